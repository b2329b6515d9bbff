/**
 * The tamper-evident chain over a mission's event log. Each event's hash covers its content and the previous event's hash,
 * so changing, deleting or reordering any stored row breaks every hash after it.
 * The canonical form is RFC 8785 (JSON Canonicalization Scheme), so anyone can recompute a hash from an export.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Actor } from '../../../shared/schemas/events';

export interface ChainedFields {
  missionId: string;
  seq: number;
  id: string;
  type: string;
  teamId: string | null;
  stationId: string | null;
  occurredAt: Date;
  receivedAt: Date;
  actor: Actor;
  payload: Record<string, unknown>;
  prevHash: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The chain of a new mission starts from a hash of its id, so two missions' chains never look alike. */
export function genesisHash(missionId: string): string {
  return sha256(`vigil:mission:${missionId}`);
}

export function eventHash(fields: ChainedFields): string {
  // Named one by one: a row read back from the database carries more columns (its own hash) than the chain covers.
  const canonical = canonicalize({
    missionId: fields.missionId,
    seq: fields.seq,
    id: fields.id,
    type: fields.type,
    teamId: fields.teamId,
    stationId: fields.stationId,
    occurredAt: fields.occurredAt.toISOString(),
    receivedAt: fields.receivedAt.toISOString(),
    actor: fields.actor,
    payload: fields.payload,
    prevHash: fields.prevHash,
  });
  if (canonical === undefined) throw new Error('event could not be canonicalised');
  return sha256(canonical);
}
