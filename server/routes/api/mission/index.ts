import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AlertSettings } from '../../../../shared/schemas/auth';
import { errorReplies, ErrorReply } from '../../../../shared/schemas/common';
import { EmergencyContacts, RouteSheetsQuery, RouteSheetsReply } from '../../../../shared/schemas/route-sheets';
import { ClearDrillBody, ClearDrillReply, DrillBody, OperationsState } from '../../../../shared/schemas/operations';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const coordinatorsOnly = app.allow('coordinator');

  app.get('', {
    onRequest: coordinatorsOnly,
    schema: {
      tags: ['operations'],
      summary:
        "The mission's operations state: drill mode, the chain head (seq and hash) to publish, the number of events",
      response: { 200: OperationsState, ...errorReplies },
    },
    handler: async (request) => app.services.operations.state(request.principal!.missionId),
  });

  app.put('/drill', {
    onRequest: coordinatorsOnly,
    schema: {
      tags: ['operations'],
      summary:
        'Turn drill mode on or off (going live) while the log holds no reports (plan changes may be there; clear a drill first)',
      description:
        'With `clock`, a drill plays a compressed day (the simulator): alerts follow its clock. Open pages reload.',
      body: DrillBody,
      response: { 200: OperationsState, 409: ErrorReply, ...errorReplies },
    },
    handler: async (request) => app.services.operations.setDrill(request.principal!.missionId, request.body),
  });

  app.post('/drill/clear', {
    onRequest: coordinatorsOnly,
    schema: {
      tags: ['operations'],
      summary:
        "Delete the drill's events and everything derived from them; the log starts again at genesis and open pages reload",
      description:
        "Only in drill mode. Stations, teams, the plan (recorded again as the fresh chain's first events), join codes, display links and the field kit stay.",
      body: ClearDrillBody,
      response: { 200: ClearDrillReply, 409: ErrorReply, ...errorReplies },
    },
    handler: async (request) => app.services.operations.clearDrill(request.principal!, request.body.confirmMissionName),
  });
  app.put('/alert-settings', {
    onRequest: coordinatorsOnly,
    schema: {
      tags: ['mission'],
      summary:
        "Change when the coordinators' page raises alerts: silent-team minutes, polling hours, minutes for a critical finding",
      description:
        'Settings, not facts of the day: stored on the mission (not in the event log). Pages read them with the session.',
      body: AlertSettings,
      response: { 200: AlertSettings, ...errorReplies },
    },
    handler: async (request) =>
      app.services.missionSettings.setAlertSettings(request.principal!.missionId, request.body),
  });

  app.get('/emergency-contacts', {
    onRequest: coordinatorsOnly,
    schema: {
      tags: ['mission'],
      summary: "The mission's emergency contacts, printed on every route sheet",
      response: { 200: EmergencyContacts, ...errorReplies },
    },
    handler: async (request) => app.services.missionSettings.emergencyContacts(request.principal!.missionId),
  });

  app.put('/emergency-contacts', {
    onRequest: coordinatorsOnly,
    schema: {
      tags: ['mission'],
      summary: "Replace the mission's emergency contacts (name, optional role, phone; at most 8, in print order)",
      description: 'A setting, not a fact of the day: stored on the mission. Never sent to wall displays.',
      body: EmergencyContacts,
      response: { 200: EmergencyContacts, ...errorReplies },
    },
    handler: async (request) =>
      app.services.missionSettings.setEmergencyContacts(request.principal!.missionId, request.body),
  });

  app.get('/route-sheets', {
    onRequest: coordinatorsOnly,
    schema: {
      tags: ['mission'],
      summary: "Route sheets: each team's stations in route order with phases, and the mission's emergency contacts",
      description:
        'All teams, or one with `teamId`. Join codes are not included (only their hashes are kept): issue one per sheet.',
      querystring: RouteSheetsQuery,
      response: { 200: RouteSheetsReply, ...errorReplies },
    },
    handler: async (request) => app.services.routeSheets.sheets(request.principal!, request.query),
  });
};
export default routes;
