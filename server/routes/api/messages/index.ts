import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { MessagesReply } from '../../../../shared/schemas/messages';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator', 'team'),
    schema: {
      tags: ['messages'],
      summary:
        "A team: its conversation with coordinators, oldest first (messages, notices about its help requests and findings, its answers). A coordinator: every message sent with who has read it, and the teams' answers",
      response: { 200: MessagesReply, ...errorReplies },
    },
    handler: async (request) => app.services.messages.list(request.principal!),
  });
};
export default routes;
