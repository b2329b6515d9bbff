import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import {
  CreateTeamBody,
  CreatedTeamReply,
  JoinCodeReply,
  TeamParams,
  TeamsReply,
} from '../../../../shared/schemas/teams';
import { ErrorReply } from '../../../../shared/schemas/common';
import { TeamTrailsReply } from '../../../../shared/schemas/map';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator', 'team', 'display'),
    schema: {
      tags: ['teams'],
      summary: 'Teams with status: all for coordinators, without personal data for displays, its own for a team',
      response: { 200: TeamsReply, ...errorReplies },
    },
    handler: async (request) => app.services.teams.list(request.principal!),
  });

  app.post('', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['teams'],
      summary: 'Add a team to the mission (it starts without a plan) and get a first join code for its phones',
      body: CreateTeamBody,
      response: { 201: CreatedTeamReply, 409: ErrorReply, ...errorReplies },
    },
    handler: async (request, reply) =>
      reply.status(201).send(await app.services.teams.create(request.principal!, request.body)),
  });

  app.get('/trails', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['teams'],
      summary: "Each team's last places (reported positions, or the stations it checked in at), oldest first",
      response: { 200: TeamTrailsReply, ...errorReplies },
    },
    handler: async (request) => app.services.map.trails(request.principal!.missionId),
  });

  app.post('/:teamId/join-codes', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['teams'],
      summary: 'Issue a new join code for a team (to read out or show as a QR code); earlier codes keep working',
      params: TeamParams,
      response: { 201: JoinCodeReply, ...errorReplies },
    },
    handler: async (request, reply) =>
      reply.status(201).send(await app.services.teams.issueJoinCode(request.principal!, request.params.teamId)),
  });
};
export default routes;
