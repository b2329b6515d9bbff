import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import {
  ReplayQuery,
  ReplayReply,
  WallReplayBody,
  WallReplayReply,
  WallReplayStateReply,
} from '../../../../shared/schemas/replay';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  // Coordinators only: a past moment holds team positions and findings a wall's policy may hide. Walls get a moment
  // only when a coordinator shows it to them (PUT /walls), pushed redacted over their socket.
  app.get('', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['replay'],
      summary: 'The stations, teams and findings as they stood at a past moment, rebuilt from the event log',
      description:
        'The moment is the log up to the last event received by `at`. Computed by the same rules as the live state; ' +
        'ready within a second at 100,000 events (snapshots every 2,000 events).',
      querystring: ReplayQuery,
      response: { 200: ReplayReply, ...errorReplies },
    },
    handler: async (request) => app.services.replay.at(request.principal!.missionId, request.query.at),
  });

  app.get('/walls', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['replay'],
      summary: "What the mission's wall displays show now: a past moment (with who put it there) or live",
      description:
        'As stored by PUT /api/replay/walls, the same on every instance; `onWalls` is null once the lease has run out ' +
        'or after DELETE.',
      response: { 200: WallReplayStateReply, ...errorReplies },
    },
    handler: async (request) => app.services.replay.wallsNow(request.principal!.missionId),
  });

  app.put('/walls', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['replay'],
      summary: "Show the mission's wall displays a past moment (or renew it); they go back to live at expiresAt",
      description:
        'Every display of the mission, on every instance, gets `wall_replay` with the moment redacted by the display ' +
        'policy (and so does a display that connects while it is on). Sent again with the moment already shown, it ' +
        "only renews the lease: displays get `wall_replay_renewed { at, expiresAt }`. The coordinator's page sends " +
        'it on every scrub and every few seconds; without that the walls go back to live by themselves after 30 s.',
      body: WallReplayBody,
      response: { 200: WallReplayReply, ...errorReplies },
    },
    handler: async (request) => {
      const { missionId, coordinatorId } = request.principal!;
      return app.services.replay.showOnWalls(missionId, request.body.at, coordinatorId);
    },
  });

  app.delete('/walls', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['replay'],
      summary: "The mission's wall displays go back to live now",
      response: { 204: Type.Null(), ...errorReplies },
    },
    handler: async (request, reply) => {
      await app.services.replay.endOnWalls(request.principal!.missionId);
      return reply.status(204).send(null);
    },
  });
};
export default routes;
