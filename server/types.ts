/** What the app plugins add to Fastify's instance and requests. */
import type { Database } from '../db/client';
import type { Config } from './config';
import type { Principal } from './modules/auth/principal';
import type { DisplayPolicies } from './modules/displays/display-policies';
import type { Services } from './plugins/app/services';
import type { Realtime } from './realtime/socket-server';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: Database;
    realtime: Realtime;
    services: Services;
    displayPolicies: DisplayPolicies;
    /** Id of the client build served now (null when none is served); re-read when the build changes on disk. */
    clientBuild: () => string | null;
  }
  interface FastifyRequest {
    /** Set by the auth guard on protected routes. */
    principal: Principal | null;
  }
}

export {};
