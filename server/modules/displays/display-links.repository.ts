/** SQL for display links: bearer tokens of kind 'display', named by their id. Only hashes of the tokens are stored. */
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { accessTokens } from '../../../db/schema/index';
import type { DisplayLink, DisplayLinkSettings } from '../../../shared/schemas/displays';

type Reader = Db | Tx;
type TokenRow = typeof accessTokens.$inferSelect;

export function toDisplayLink(row: TokenRow): DisplayLink {
  return {
    id: row.id,
    label: row.label,
    rotationSeconds: row.rotationSeconds,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export function toDisplayLinkSettings(row: TokenRow): DisplayLinkSettings {
  return { id: row.id, label: row.label, rotationSeconds: row.rotationSeconds };
}

const ofMission = (missionId: string) => and(eq(accessTokens.missionId, missionId), eq(accessTokens.kind, 'display'));

/** The mission's display links, live and revoked, oldest first. */
export async function listDisplayLinks(db: Reader, missionId: string): Promise<TokenRow[]> {
  return db
    .select()
    .from(accessTokens)
    .where(ofMission(missionId))
    .orderBy(asc(accessTokens.createdAt), asc(accessTokens.label));
}

export async function findDisplayLink(db: Reader, missionId: string, id: string): Promise<TokenRow | undefined> {
  const [row] = await db
    .select()
    .from(accessTokens)
    .where(and(ofMission(missionId), eq(accessTokens.id, id)));
  return row;
}

export async function insertDisplayLink(
  db: Reader,
  values: { tokenHash: string; missionId: string; label: string; rotationSeconds: number | null },
): Promise<TokenRow> {
  const [row] = await db
    .insert(accessTokens)
    .values({ ...values, kind: 'display' })
    .returning();
  if (!row) throw new Error('inserting a display link returned no row');
  return row;
}

/** Changes a live link; undefined when there is no such live link in the mission. */
export async function updateDisplayLink(
  db: Reader,
  missionId: string,
  id: string,
  changes: { label?: string; rotationSeconds?: number | null },
): Promise<TokenRow | undefined> {
  const [row] = await db
    .update(accessTokens)
    .set(changes)
    .where(and(ofMission(missionId), eq(accessTokens.id, id), isNull(accessTokens.revokedAt)))
    .returning();
  return row;
}

/** Revokes a live link; undefined when it was already revoked or does not exist. */
export async function revokeDisplayLink(
  db: Reader,
  missionId: string,
  id: string,
  at: Date,
): Promise<TokenRow | undefined> {
  const [row] = await db
    .update(accessTokens)
    .set({ revokedAt: at })
    .where(and(ofMission(missionId), eq(accessTokens.id, id), isNull(accessTokens.revokedAt)))
    .returning();
  return row;
}
