/** The per-instance cache of each mission's display policy, shared by the realtime fan-out and the services. */
import fp from 'fastify-plugin';
import { createDisplayPolicies } from '../../modules/displays/display-policies';

export default fp(
  async (app) => {
    app.decorate(
      'displayPolicies',
      createDisplayPolicies(app.database.db, (err) =>
        app.log.warn({ err }, 'reading a display policy failed; using the strictest'),
      ),
    );
  },
  { name: 'display-policies', dependencies: ['database'] },
);
