/**
 * Checks one submitted event against the catalogue: its shape, and whether its time is believable.
 * Pure: rules that need the database (does the team exist, was there an arrival) live in the service.
 */
import { Compile } from 'typebox/compile';
import { EVENT_TYPES, eventInputSchemas, type EventInput, type EventType } from '../../../shared/schemas/events';
import { MAX_CLOCK_AHEAD_MS, MAX_EVENT_AGE_MS } from '../../../shared/constants';
import { schemaProblems } from '../../schema-validation';

const validators = Object.fromEntries(EVENT_TYPES.map((type) => [type, Compile(eventInputSchemas[type])])) as Record<
  EventType,
  ReturnType<typeof Compile>
>;

export type Validated = { ok: true; event: EventInput } | { ok: false; field: string; error: string };

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id a result can be reported under, even when the rest of the event is wrong. */
export function reportableId(raw: unknown): string | null {
  if (raw && typeof raw === 'object' && 'id' in raw && typeof raw.id === 'string' && UUID_PATTERN.test(raw.id)) {
    return raw.id.toLowerCase();
  }
  return null;
}

function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as string[]).includes(value);
}

export function validateEvent(raw: unknown, now: Date): Validated {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, field: '', error: 'event must be an object' };
  const type = (raw as { type?: unknown }).type;
  if (!isEventType(type)) {
    return { ok: false, field: '/type', error: `type must be one of ${EVENT_TYPES.join(', ')}` };
  }
  // The most specific problem first: a wrong field beats "the object has an unknown key".
  const [first] = schemaProblems(validators[type], raw);
  if (first) return { ok: false, field: first.path, error: first.problem };
  const event = raw as EventInput;
  const occurredAt = Date.parse(event.occurredAt);
  if (occurredAt > now.getTime() + MAX_CLOCK_AHEAD_MS) {
    return { ok: false, field: '/occurredAt', error: 'occurredAt is in the future: check the device clock' };
  }
  if (occurredAt < now.getTime() - MAX_EVENT_AGE_MS) {
    return { ok: false, field: '/occurredAt', error: 'occurredAt is too far in the past' };
  }
  return { ok: true, event: { ...event, id: event.id.toLowerCase() } };
}
