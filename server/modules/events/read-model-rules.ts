/**
 * What each stored event changes, aggregate by aggregate: the one set of read-model rules. The ingest projector
 * (`projector.ts`) runs it on the rows a batch loaded, after checking what every event shares; the replay of the day
 * runs it again in memory over the log, so a past moment is computed by the same code that kept the live state.
 */
import type { EventInput } from '../../../shared/schemas/events';
import type { Principal } from '../auth/principal';
import type { StationStatusBatch } from '../stations/station-status.projection';
import type { TeamStatusBatch } from '../teams/team-status.projection';
import type { PlanBatch } from '../teams/plan.projection';
import type { FindingBatch } from '../findings/findings.projection';
import type { ConflictBatch } from '../conflicts/conflicts.projection';
import type { MessageBatch } from '../messages/messages.projection';
import type { ResultsBatch } from '../results/results.projection';
import type { VisitBatch } from './visits.projection';

export type Applied =
  { ok: true; teamId: string | null; stationId: string | null } | { ok: false; field: string; error: string };

/** The aggregates an event may change. Stations, teams, visits and findings are what a moment of the day is made of. */
export interface ReadModels {
  teams: TeamStatusBatch;
  stations: StationStatusBatch;
  visits: VisitBatch;
  findings: FindingBatch;
  conflicts: Pick<ConflictBatch, 'noteChecklist' | 'noteProtocol' | 'resolve'>;
  plans: Pick<PlanBatch, 'change'>;
  messages: Pick<MessageBatch, 'notice' | 'send' | 'read' | 'reply'>;
  results: Pick<ResultsBatch, 'setBallot' | 'turnout' | 'protocol'>;
  isStation(stationId: string): boolean;
  isCoordinator(username: string): boolean;
}

function reject(field: string, error: string): Applied {
  return { ok: false, field, error };
}

/** Applies one event, already checked for who sent it and what it names, to the read models in memory. */
export function applyEvent(
  models: ReadModels,
  actor: Pick<Principal, 'role' | 'name'>,
  event: EventInput,
  at: Date,
  seq: number,
): Applied {
  switch (event.type) {
    case 'arrival':
    case 'departure': {
      const verdict =
        event.type === 'arrival' ? models.visits.arrive(event, at, seq) : models.visits.depart(event, at, seq);
      return verdict.ok
        ? { ok: true, teamId: event.teamId, stationId: event.stationId }
        : reject(verdict.field, verdict.error);
    }
    case 'checklist':
      models.stations.assess(event, at, seq);
      models.teams.see(event.teamId, at, seq);
      models.conflicts.noteChecklist(event, at, seq);
      return { ok: true, teamId: event.teamId, stationId: event.stationId };
    case 'finding': {
      const verdict = models.findings.record(event, at, seq);
      if (!verdict.ok) return reject(verdict.field, verdict.error);
      models.teams.see(event.teamId, at, seq, { position: event.position });
      return { ok: true, teamId: event.teamId, stationId: verdict.stationId };
    }
    case 'finding_status': {
      const verdict = models.findings.changeStatus(event, at, seq, actor.name);
      if (!verdict.ok) return reject(verdict.field, verdict.error);
      const { finding } = verdict;
      // The team that reported it is told, with the note.
      models.messages.notice({
        eventId: event.id,
        teamId: finding.teamId,
        seq,
        kind: 'finding_status',
        at,
        fromName: actor.name,
        text: event.note?.trim() ? event.note : null,
        stationId: finding.stationId,
        findingId: finding.id,
        status: event.status,
      });
      return { ok: true, teamId: null, stationId: finding.stationId };
    }
    case 'finding_assigned': {
      if (event.assignee !== null && !models.isCoordinator(event.assignee)) {
        return reject('/assignee', 'no such coordinator in this mission');
      }
      const verdict = models.findings.assign(event, at);
      return verdict.ok
        ? { ok: true, teamId: null, stationId: verdict.finding.stationId }
        : reject(verdict.field, verdict.error);
    }
    case 'team_alert_acknowledged': {
      const verdict = models.teams.acknowledgeAlert(event, at, seq);
      if (!verdict.ok) return reject(verdict.field, verdict.error);
      if (event.alert === 'help') {
        // The team in trouble must see that someone has answered.
        const text = event.note?.trim() ? event.note : null;
        models.messages.notice({
          eventId: event.id,
          teamId: event.teamId,
          seq,
          kind: 'help_acknowledged',
          at,
          fromName: actor.name,
          text,
        });
      }
      return { ok: true, teamId: event.teamId, stationId: null };
    }
    case 'position':
      models.teams.see(event.teamId, at, seq, { position: event.position });
      return { ok: true, teamId: event.teamId, stationId: event.stationId ?? null };
    case 'help_request':
      models.teams.see(event.teamId, at, seq, { position: event.position, help: { open: true, at } });
      return { ok: true, teamId: event.teamId, stationId: event.stationId ?? null };
    case 'help_resolved': {
      if (!models.teams.helpOpen(event.teamId)) return reject('/teamId', 'this team has no open help request');
      const byTeam = actor.role === 'team';
      if (!byTeam) {
        const text = event.note?.trim() ? event.note : null;
        models.messages.notice({
          eventId: event.id,
          teamId: event.teamId,
          seq,
          kind: 'help_resolved',
          at,
          fromName: actor.name,
          text,
        });
      }
      models.teams.see(event.teamId, at, seq, { help: { open: false, at }, signOfLife: byTeam });
      return { ok: true, teamId: event.teamId, stationId: null };
    }
    case 'message_sent': {
      const verdict = models.messages.send(event, at, seq, actor.name);
      return verdict.ok ? verdict : reject(verdict.field, verdict.error);
    }
    case 'message_read':
    case 'team_message': {
      const verdict =
        event.type === 'message_read'
          ? models.messages.read(event, at)
          : models.messages.reply(event, at, seq, actor.name);
      if (verdict.ok) models.teams.see(event.teamId, at, seq);
      return verdict.ok ? verdict : reject(verdict.field, verdict.error);
    }
    case 'plan_changed': {
      const verdict = models.plans.change(event, models.isStation);
      return verdict.ok ? { ok: true, teamId: event.teamId, stationId: null } : reject(verdict.field, verdict.error);
    }
    case 'conflict_resolved': {
      const verdict = models.conflicts.resolve(event, at, seq);
      return verdict.ok
        ? { ok: true, teamId: null, stationId: verdict.stationId }
        : reject(verdict.field, verdict.error);
    }
    case 'ballot_set': {
      const verdict = models.results.setBallot(event, seq);
      return verdict.ok ? { ok: true, teamId: null, stationId: null } : reject(verdict.field, verdict.error);
    }
    // The import wrote its rows in the same transaction (results/official-results.service.ts); nothing to apply.
    case 'official_results_imported':
      return { ok: true, teamId: null, stationId: null };
    case 'turnout': {
      const verdict = models.results.turnout(event, at, seq);
      if (!verdict.ok) return reject(verdict.field, verdict.error);
      models.teams.see(event.teamId, at, seq);
      return { ok: true, teamId: event.teamId, stationId: event.stationId };
    }
    case 'results_protocol': {
      const verdict = models.results.protocol(event, at, seq);
      if (!verdict.ok) return reject(verdict.field, verdict.error);
      models.teams.see(event.teamId, at, seq);
      models.conflicts.noteProtocol(event, at, seq);
      return { ok: true, teamId: event.teamId, stationId: event.stationId };
    }
  }
}
