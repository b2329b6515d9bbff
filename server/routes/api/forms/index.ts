import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorReply, errorReplies } from '../../../../shared/schemas/common';
import { FieldKit, FormsReply } from '../../../../shared/schemas/forms';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator', 'team', 'display'),
    schema: {
      tags: ['forms'],
      summary: "The mission's checklist forms and finding categories (its own, or the default kit)",
      response: { 200: FormsReply, ...errorReplies },
    },
    handler: async (request) => app.services.forms.get(request.principal!.missionId),
  });

  app.put('', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['forms'],
      summary: "Replace the mission's field kit",
      description:
        'Forms and categories already in use may be marked `retired` but never removed or changed, so reports made on ' +
        'phones that still hold the older kit stay valid: a changed form gets a new id.',
      body: FieldKit,
      response: { 200: FormsReply, ...errorReplies, 409: ErrorReply },
    },
    handler: async (request) => app.services.forms.replace(request.principal!.missionId, request.body),
  });
};
export default routes;
