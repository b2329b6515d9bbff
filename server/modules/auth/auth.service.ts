/** Logging in, joining as a team, and turning a bearer token into a Principal. */
import type { Db, Tx } from '../../../db/client';
import type { JoinReply, LoginReply, SessionReply } from '../../../shared/schemas/auth';
import type { DisplayLinkSettings } from '../../../shared/schemas/displays';
import { SESSION_TTL_MS } from '../../../shared/constants';
import { findMission, toMissionSummary } from '../mission-record/mission-record';
import {
  deadTokenIds,
  findCoordinatorByUsername,
  findJoinCode,
  findTokenByHash,
  insertCoordinator,
  insertJoinCode,
  insertToken,
  revokeToken,
} from './auth.repository';
import type { AttemptGuard } from './attempt-guard';
import type { Principal } from './principal';
import { DUMMY_PASSWORD_HASH, hashJoinCode, hashSecret, newJoinCode, newToken, verifyPassword } from './secrets';

/** Bounds the authentication cache; beyond it the oldest entries go. */
const MAX_CACHED_TOKENS = 10_000;

export interface AuthServiceOptions {
  /** How long a looked-up token is trusted without asking the database again; 0 disables the cache. */
  cacheMs?: number;
  /** Tells the other instances a token was revoked (through Redis), so they drop their cached copy. */
  notifier?: { tokenRevoked(tokenId: string): Promise<void> };
  clock?: () => Date;
  /** Counts failed logins and joins, and refuses while a limit is used up (none: no limits, for tools and tests). */
  guard?: AttemptGuard;
  /**
   * A display link's own settings, for its session (the displays area owns them; it sits above auth, so it is passed
   * in rather than imported). Without it a display's session carries no settings.
   */
  displaySettings?: (missionId: string, linkId: string) => Promise<DisplayLinkSettings | null>;
}

interface CachedToken {
  principal: Principal;
  expiresAt: Date | null;
  trustedUntil: number;
}

/**
 * Mission set-up's credentials, written within its one transaction: the coordinator (password hashed beforehand, as
 * hashing is slow), a join code per team and the first display link. Codes and tokens are returned once, in clear.
 */
export const setUpCredentials = {
  coordinator(
    tx: Db | Tx,
    values: { missionId: string; username: string; displayName: string; passwordHash: string },
  ): Promise<string> {
    return insertCoordinator(tx, values);
  },
  async joinCode(tx: Db | Tx, missionId: string, teamId: string): Promise<string> {
    const code = newJoinCode();
    await insertJoinCode(tx, { codeHash: hashJoinCode(code), missionId, teamId });
    return code;
  },
  async displayToken(tx: Db | Tx, missionId: string, label: string): Promise<string> {
    const token = newToken();
    await insertToken(tx, { tokenHash: hashSecret(token), kind: 'display', missionId, label });
    return token;
  },
};

export function createAuthService(db: Db, options: AuthServiceOptions = {}) {
  const clock = options.clock ?? (() => new Date());
  const cacheMs = options.cacheMs ?? 0;
  /**
   * Token hash → principal, for `cacheMs`: under load every request would otherwise pay a Postgres round trip for the
   * same few tokens. A revocation drops the entry at once here and, through Redis, on every other instance; if that
   * news is lost (Redis down), the entry still dies within `cacheMs`. Only hits are kept: unknown tokens always ask.
   */
  const cache = new Map<string, CachedToken>();
  async function missionSummary(missionId: string) {
    const mission = await findMission(db, missionId);
    if (!mission) throw new Error(`mission ${missionId} vanished`);
    return toMissionSummary(mission);
  }

  /**
   * null when the username or password is wrong (which of them is not said); a 429 HttpError while the guard refuses
   * this username from this address.
   */
  async function login(username: string, password: string, address = 'local'): Promise<LoginReply | null> {
    return options.guard
      ? options.guard.login(username, address, () => checkLogin(username, password))
      : checkLogin(username, password);
  }

  async function checkLogin(username: string, password: string): Promise<LoginReply | null> {
    const coordinator = await findCoordinatorByUsername(db, username);
    const valid = await verifyPassword(password, coordinator?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!coordinator || !valid) return null;
    const token = newToken();
    const expiresAt = new Date(clock().getTime() + SESSION_TTL_MS);
    await insertToken(db, {
      tokenHash: hashSecret(token),
      kind: 'session',
      missionId: coordinator.missionId,
      coordinatorId: coordinator.id,
      label: `session of ${coordinator.username}`,
      expiresAt,
    });
    return {
      token,
      role: 'coordinator',
      expiresAt: expiresAt.toISOString(),
      coordinator: { id: coordinator.id, username: coordinator.username, displayName: coordinator.displayName },
      mission: await missionSummary(coordinator.missionId),
    };
  }

  /** A phone joins its team with the code; each phone gets its own device token, so a team may use two. */
  async function join(code: string, deviceLabel = 'phone', address = 'local'): Promise<JoinReply | null> {
    return options.guard
      ? options.guard.join(address, () => checkJoin(code, deviceLabel))
      : checkJoin(code, deviceLabel);
  }

  async function checkJoin(code: string, deviceLabel: string): Promise<JoinReply | null> {
    const found = await findJoinCode(db, hashJoinCode(code));
    if (!found) return null;
    const token = newToken();
    await insertToken(db, {
      tokenHash: hashSecret(token),
      kind: 'device',
      missionId: found.code.missionId,
      teamId: found.code.teamId,
      label: `${found.callSign} ${deviceLabel}`,
    });
    return {
      token,
      role: 'team',
      teamId: found.code.teamId,
      callSign: found.callSign,
      mission: await missionSummary(found.code.missionId),
    };
  }

  async function authenticate(token: string): Promise<Principal | null> {
    const tokenHash = hashSecret(token);
    const cached = cache.get(tokenHash);
    if (cached && cached.trustedUntil > Date.now()) {
      if (cached.expiresAt && cached.expiresAt <= clock()) return null;
      return cached.principal;
    }
    cache.delete(tokenHash);
    const found = await findTokenByHash(db, tokenHash);
    if (!found) return null;
    const { token: row } = found;
    if (row.expiresAt && row.expiresAt <= clock()) return null;
    const principal = principalOf(found);
    if (cacheMs > 0) {
      if (cache.size >= MAX_CACHED_TOKENS) cache.delete(cache.keys().next().value!);
      cache.set(tokenHash, { principal, expiresAt: row.expiresAt, trustedUntil: Date.now() + cacheMs });
    }
    return principal;
  }

  function principalOf(found: NonNullable<Awaited<ReturnType<typeof findTokenByHash>>>): Principal {
    const { token: row } = found;
    const tokenId = row.id;
    switch (row.kind) {
      case 'session':
        return {
          role: 'coordinator',
          missionId: row.missionId,
          teamId: null,
          coordinatorId: row.coordinatorId,
          name: found.username ?? row.label,
          tokenId,
        };
      case 'device':
        return {
          role: 'team',
          missionId: row.missionId,
          teamId: row.teamId,
          coordinatorId: null,
          name: found.callSign ?? row.label,
          tokenId,
        };
      case 'display':
        return {
          role: 'display',
          missionId: row.missionId,
          teamId: null,
          coordinatorId: null,
          name: row.label,
          tokenId,
        };
    }
  }

  /** Drops a token from this instance's cache (told by another instance that it was revoked). */
  function forget(tokenId: string): void {
    for (const [hash, entry] of cache) if (entry.principal.tokenId === tokenId) cache.delete(hash);
  }

  /** A token was revoked here: forget it, and tell the other instances to forget it (and drop its sockets) too. */
  async function revoked(tokenId: string): Promise<void> {
    forget(tokenId);
    await options.notifier?.tokenRevoked(tokenId);
  }

  /** GET /api/session: who the token is, its mission, and for a display link its own settings. */
  async function session(principal: Principal): Promise<SessionReply> {
    const display =
      principal.role === 'display' ? await options.displaySettings?.(principal.missionId, principal.tokenId) : null;
    return {
      role: principal.role,
      teamId: principal.teamId,
      name: principal.name,
      mission: await missionSummary(principal.missionId),
      display: display ?? null,
    };
  }

  function createJoinCode(missionId: string, teamId: string): Promise<string> {
    return setUpCredentials.joinCode(db, missionId, teamId);
  }

  async function logout(principal: Principal, token: string): Promise<void> {
    await revokeToken(db, principal.missionId, hashSecret(token));
    await revoked(principal.tokenId);
  }

  /** Which of these token ids no longer open anything (revoked, expired or gone): their sockets are dropped. */
  function deadTokens(ids: string[]): Promise<string[]> {
    return deadTokenIds(db, ids, clock());
  }

  return { login, join, authenticate, forget, revoked, session, createJoinCode, logout, missionSummary, deadTokens };
}

export type AuthService = ReturnType<typeof createAuthService>;
