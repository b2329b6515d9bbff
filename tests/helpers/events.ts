/** Builders for events as a phone would send them. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

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
export function checklist(teamId: string, stationId: string, assessment = 'bad', phase = 'voting') {
  return {
    id: randomUUID(),
    type: 'checklist',
    teamId,
    stationId,
    occurredAt: minutesAgo(15),
    form: 'voting-v1',
    phase,
    answers: { secrecy: false, queue_minutes: 12, issues: ['overcrowding'] },
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
