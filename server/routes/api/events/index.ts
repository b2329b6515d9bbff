import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { MAX_EVENTS_PER_BATCH } from '../../../../shared/constants';
import { EventsQuery, FeedPage, PostEventsBody, PostEventsReply } from '../../../../shared/schemas/events';
import { httpError } from '../../../errors';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('', {
    onRequest: app.allow('coordinator', 'team'),
    schema: {
      tags: ['events'],
      summary: 'Submit events; each is stored, a duplicate of a stored one, or rejected with its reason',
      description:
        'Answers only after the stored events are committed. Resubmitting a stored id answers "duplicate" and stores ' +
        `nothing. At most ${MAX_EVENTS_PER_BATCH} events per call. Event shapes: see the README's event catalogue.`,
      body: PostEventsBody,
      response: { 200: PostEventsReply, ...errorReplies },
    },
    handler: async (request) => {
      const { events } = request.body;
      if (events.length > MAX_EVENTS_PER_BATCH) {
        throw httpError(413, `at most ${MAX_EVENTS_PER_BATCH} events per request, got ${events.length}`);
      }
      const { results } = await app.services.events.ingest(request.principal!, events);
      return { results };
    },
  });

  app.get('', {
    onRequest: app.allow('coordinator', 'display'),
    schema: {
      tags: ['events'],
      summary: 'Stored events after a sequence number, in order (the catch-up feed)',
      description:
        'Coordinators get each event whole. Displays get the envelope and the always-safe fields of each: no notes, ' +
        'checklist answers, photos or authors; finding text and positions only when the mission allows them.',
      querystring: EventsQuery,
      response: { 200: FeedPage, ...errorReplies },
    },
    handler: async (request) => app.services.feed.page(request.principal!, request.query.after, request.query.limit),
  });
};
export default routes;
