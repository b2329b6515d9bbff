/** OpenAPI document of the public API, generated from the route schemas, at /api/openapi.json and /api/docs. */
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'Vigil API',
          version: '1',
          description:
            'Election-day observation: phones post events, dashboards read stations, teams and the event feed. ' +
            'All calls but login and join take `Authorization: Bearer TOKEN`.',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        security: [{ bearer: [] }],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/api/docs' });
    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'swagger' },
);
