import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { VersionReply } from '../../../../shared/schemas/version';
import { APP_VERSION } from '../../../config';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    schema: {
      tags: ['health'],
      security: [],
      summary: 'The server version and the id of the client build it serves now',
      response: { 200: VersionReply },
    },
    handler: async () => ({ version: APP_VERSION, build: app.clientBuild() }),
  });
};
export default routes;
