import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AlertSettings } from '../../../../shared/schemas/auth';
import { errorReplies } from '../../../../shared/schemas/common';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.put('/alert-settings', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['mission'],
      summary: "Change when the coordinators' page raises alerts: silent-team minutes, polling hours, minutes for a critical finding",
      description: 'Settings, not facts of the day: stored on the mission (not in the event log). Pages read them with the session.',
      body: AlertSettings,
      response: { 200: AlertSettings, ...errorReplies },
    },
    handler: async (request) => app.services.missionSettings.setAlertSettings(request.principal!.missionId, request.body),
  });
};
export default routes;
