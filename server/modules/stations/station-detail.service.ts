/** One station's story for the coordinator's station panel: visits, checklists with their questions, findings, history. */
import type { Db } from '../../../db/client';
import type { StoredEventOf } from '../../../shared/schemas/events';
import type { FieldKit, Question } from '../../../shared/schemas/forms';
import {
  STATION_HISTORY_LIMIT,
  type ChecklistAnswerLine,
  type StationChecklist,
  type StationDetailReply,
} from '../../../shared/schemas/map';
import { HttpError } from '../../errors';
import { readHead } from '../log/head';
import { toStoredEvent } from '../log/rows';
import type { FormsService } from '../forms/forms.service';
import {
  listStationChecklists,
  listStationEvents,
  listStationFindings,
  listStationVisits,
  teamCallSigns,
} from './station-detail.repository';
import { readStation } from './stations.repository';

/** Checklists shown per station: a station sees a handful a day; this only bounds a runaway phone. */
const CHECKLIST_LIMIT = 50;

export function createStationDetailService(db: Db, forms: Pick<FormsService, 'kitFor'>) {
  async function detail(missionId: string, stationId: string): Promise<StationDetailReply> {
    // Head first: anything stored after it reaches the panel live.
    const head = await readHead(db, missionId);
    const station = await readStation(db, missionId, stationId);
    if (station === undefined) {
      throw new HttpError(404, 'no such station in this mission', undefined, [
        { field: 'params/stationId', problem: 'no such station in this mission' },
      ]);
    }
    const [visitRows, findingRows, checklistRows, historyRows, callSigns, kit] = await Promise.all([
      listStationVisits(db, missionId, stationId),
      listStationFindings(db, missionId, stationId),
      listStationChecklists(db, missionId, stationId, CHECKLIST_LIMIT),
      listStationEvents(db, missionId, stationId, STATION_HISTORY_LIMIT + 1),
      teamCallSigns(db, missionId),
      forms.kitFor(missionId),
    ]);
    const categoryLabels = new Map(kit.findingCategories.map((category) => [category.id, category.label.en]));
    return {
      head,
      station,
      visits: visitRows.map((visit) => ({
        ...visit,
        arrivedAt: visit.arrivedAt.toISOString(),
        departedAt: visit.departedAt?.toISOString() ?? null,
      })),
      checklists: checklistRows.map((row) => {
        const event = toStoredEvent(row) as StoredEventOf<'checklist'>;
        return checklistWithLabels(event, kit, event.teamId === null ? null : (callSigns.get(event.teamId) ?? null));
      }),
      findings: findingRows.map((finding) => ({
        ...finding,
        categoryLabel: categoryLabels.get(finding.category) ?? finding.category,
        reportedAt: finding.reportedAt.toISOString(),
        acknowledgedAt: finding.acknowledgedAt?.toISOString() ?? null,
        statusChangedAt: finding.statusChangedAt?.toISOString() ?? null,
        resolvedAt: finding.resolvedAt?.toISOString() ?? null,
      })),
      history: historyRows.slice(0, STATION_HISTORY_LIMIT).map(toStoredEvent),
      historyTruncated: historyRows.length > STATION_HISTORY_LIMIT,
    };
  }

  return { detail };
}

export type StationDetailService = ReturnType<typeof createStationDetailService>;

/** Choice answers are option ids; the panel shows the options' English labels (unknown ids stay as they are). */
function withOptionLabels(question: Question, value: unknown): unknown {
  if (question.type !== 'single_choice' && question.type !== 'multiple_choice') return value;
  const label = (id: unknown) =>
    typeof id === 'string' ? (question.options.find((option) => option.id === id)?.label.en ?? id) : id;
  return Array.isArray(value) ? value.map(label) : label(value);
}

/** Answers in the form's question order with the question's English label; unknown ids keep the id as label. */
function checklistWithLabels(
  event: StoredEventOf<'checklist'>,
  kit: FieldKit,
  callSign: string | null,
): StationChecklist {
  const form = kit.forms.find((candidate) => candidate.id === event.form);
  const answers: ChecklistAnswerLine[] = [];
  const seen = new Set<string>();
  for (const question of form?.questions ?? []) {
    if (!(question.id in event.answers)) continue;
    seen.add(question.id);
    answers.push({
      questionId: question.id,
      label: question.label.en,
      value: withOptionLabels(question, event.answers[question.id]),
    });
  }
  for (const [questionId, value] of Object.entries(event.answers)) {
    if (!seen.has(questionId)) answers.push({ questionId, label: questionId, value });
  }
  return {
    id: event.id,
    seq: event.seq,
    teamId: event.teamId,
    callSign,
    form: event.form,
    formTitle: form?.title.en ?? event.form,
    phase: event.phase,
    assessment: event.assessment,
    occurredAt: event.occurredAt,
    answers,
  };
}
