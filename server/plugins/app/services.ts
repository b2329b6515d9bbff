/** Builds the app's services once, with their dependencies, and hands them to routes and sockets. */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { createAuthService } from '../../modules/auth/auth.service';
import { createEventsService } from '../../modules/events/events.service';
import { createStationsService } from '../../modules/stations/stations.service';
import { createTeamsService } from '../../modules/teams/teams.service';

export function createServices(app: FastifyInstance) {
  const { db } = app.database;
  return {
    auth: createAuthService(db),
    events: createEventsService(db, app.realtime.broadcaster),
    stations: createStationsService(db),
    teams: createTeamsService(db),
  };
}
export type Services = ReturnType<typeof createServices>;

export default fp(
  async (app) => {
    app.decorate('services', createServices(app));
  },
  { name: 'services', dependencies: ['database', 'realtime'] },
);
