/** Builders for events as a phone would send them. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_FIELD_KIT } from '../../server/modules/forms/default-kit';

export function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

export function arrival(teamId: string, stationId: string, minutes = 30) {
  return { id: randomUUID(), type: 'arrival', teamId, stationId, occurredAt: minutesAgo(minutes) };
}
export function departure(teamId: string, stationId: string, minutes = 10) {
  return { id: randomUUID(), type: 'departure', teamId, stationId, occurredAt: minutesAgo(minutes) };
}
export function finding(teamId: string, stationId: string, severity = 'critical', minutes = 20) {
  return {
    id: randomUUID(),
    type: 'finding',
    teamId,
    stationId,
    occurredAt: minutesAgo(minutes),
    category: 'ballot_stuffing',
    severity,
    text: 'Several ballots folded together in the box',
  };
}
/** A complete, problem-free answer set for one of the default kit's forms (every required question answered). */
function completeAnswers(formId: string): Record<string, unknown> {
  const form = DEFAULT_FIELD_KIT.forms.find((f) => f.id === formId);
  if (!form) throw new Error(`no default form ${formId}`);
  return Object.fromEntries(
    form.questions.map((q) => [
      q.id,
      q.type === 'yes_no'
        ? true
        : q.type === 'number'
          ? (q.min ?? 0)
          : q.type === 'single_choice'
            ? q.options[0]!.id
            : q.type === 'multiple_choice'
              ? []
              : 'as expected',
    ]),
  );
}

export function checklist(teamId: string, stationId: string, assessment = 'bad', phase = 'voting') {
  const form = `${phase}-v1`;
  return {
    id: randomUUID(),
    type: 'checklist',
    teamId,
    stationId,
    occurredAt: minutesAgo(15),
    form,
    phase,
    answers:
      phase === 'voting'
        ? {
            id_checked: true,
            biometric_working: true,
            secrecy: false,
            auto_box_working: true,
            unauthorized_present: false,
            queue_minutes: 12,
            issues: ['overcrowding'],
          }
        : completeAnswers(form),
    assessment,
  };
}

export async function login(app: FastifyInstance, username: string, password: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return res.json().token as string;
}

export async function join(app: FastifyInstance, code: string): Promise<{ token: string; teamId: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/join', payload: { code } });
  if (res.statusCode !== 200) throw new Error(`join failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function postEvents(app: FastifyInstance, token: string, events: unknown[]) {
  return app.inject({
    method: 'POST',
    url: '/api/events',
    headers: { authorization: `Bearer ${token}` },
    payload: { events },
  });
}

export async function getJson(app: FastifyInstance, token: string, url: string) {
  const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, body: res.json() };
}
