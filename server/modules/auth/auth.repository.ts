/** SQL for coordinators, bearer tokens and join codes. Only hashes of secrets are ever stored or looked up. */
import { randomUUID } from 'node:crypto';
import { and, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { accessTokens, coordinators, joinCodes, teams, type TokenKind } from '../../../db/schema/index';

type Reader = Db | Tx;

export async function findCoordinatorByUsername(db: Reader, username: string) {
  const [row] = await db.select().from(coordinators).where(eq(coordinators.username, username));
  return row;
}

export async function insertCoordinator(
  db: Reader,
  values: { missionId: string; username: string; displayName: string; passwordHash: string },
): Promise<string> {
  const id = randomUUID();
  await db.insert(coordinators).values({ id, ...values });
  return id;
}

export async function insertToken(
  db: Reader,
  values: {
    tokenHash: string;
    kind: TokenKind;
    missionId: string;
    coordinatorId?: string | null;
    teamId?: string | null;
    label: string;
    expiresAt?: Date | null;
  },
): Promise<void> {
  await db.insert(accessTokens).values(values);
}

/** A team's call sign, read in its mission (the directory names the mission first). */
async function callSignOf(db: Reader, missionId: string, teamId: string | null): Promise<string | null> {
  if (teamId === null) return null;
  const [row] = await db
    .select({ callSign: teams.callSign })
    .from(teams)
    .where(and(eq(teams.missionId, missionId), eq(teams.id, teamId)));
  return row?.callSign ?? null;
}

/**
 * The live token with this hash, with what it names (coordinator username or team call sign). Two reads, not a join:
 * the token (directory) names the mission, and only then is the team read, in that mission's partition.
 */
export async function findTokenByHash(db: Reader, tokenHash: string) {
  const [row] = await db
    .select({ token: accessTokens, username: coordinators.username })
    .from(accessTokens)
    .leftJoin(coordinators, eq(coordinators.id, accessTokens.coordinatorId))
    .where(and(eq(accessTokens.tokenHash, tokenHash), isNull(accessTokens.revokedAt)));
  if (row === undefined) return undefined;
  return { ...row, callSign: await callSignOf(db, row.token.missionId, row.token.teamId) };
}

export async function revokeToken(db: Reader, missionId: string, tokenHash: string): Promise<boolean> {
  const rows = await db
    .update(accessTokens)
    .set({ revokedAt: new Date() })
    .where(
      and(eq(accessTokens.tokenHash, tokenHash), eq(accessTokens.missionId, missionId), isNull(accessTokens.revokedAt)),
    )
    .returning({ tokenHash: accessTokens.tokenHash });
  return rows.length > 0;
}

export async function insertJoinCode(db: Reader, values: { codeHash: string; missionId: string; teamId: string }) {
  await db.insert(joinCodes).values(values);
}

/** The live join code with this hash and its team's call sign (read, like a token's, once the code names the mission). */
export async function findJoinCode(db: Reader, codeHash: string) {
  const [code] = await db
    .select()
    .from(joinCodes)
    .where(and(eq(joinCodes.codeHash, codeHash), isNull(joinCodes.revokedAt)));
  if (code === undefined) return undefined;
  const callSign = await callSignOf(db, code.missionId, code.teamId);
  return callSign === null ? undefined : { code, callSign };
}

/** Which of these token ids no longer open anything (sessions, phone tokens and display links alike: revoked, expired, or gone). */
export async function deadTokenIds(db: Reader, ids: string[], now: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const live = await db
    .select({ id: accessTokens.id })
    .from(accessTokens)
    .where(
      and(
        inArray(accessTokens.id, ids),
        isNull(accessTokens.revokedAt),
        or(isNull(accessTokens.expiresAt), gt(accessTokens.expiresAt, now)),
      ),
    );
  const alive = new Set(live.map((row) => row.id));
  return ids.filter((id) => !alive.has(id));
}
