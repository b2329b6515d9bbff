/** Logging in, joining as a team, and turning a bearer token into a Principal. */
import type { Db } from '../../../db/client';
import type { JoinReply, LoginReply, SessionReply } from '../../../shared/schemas/auth';
import { SESSION_TTL_MS } from '../../../shared/constants';
import { findDisplayLink, toDisplayLinkSettings } from '../displays/display-links.repository';
import { findMission, toMissionSummary } from '../missions/missions.repository';
import {
  findCoordinatorByUsername,
  findJoinCode,
  findTokenByHash,
  insertJoinCode,
  insertToken,
  revokeToken,
} from './auth.repository';
import type { Principal } from './principal';
import { DUMMY_PASSWORD_HASH, hashJoinCode, hashSecret, newJoinCode, newToken, verifyPassword } from './secrets';

export function createAuthService(db: Db, clock: () => Date = () => new Date()) {
  async function missionSummary(missionId: string) {
    const mission = await findMission(db, missionId);
    if (!mission) throw new Error(`mission ${missionId} vanished`);
    return toMissionSummary(mission);
  }

  /** null when the username or password is wrong (which of them is not said). */
  async function login(username: string, password: string): Promise<LoginReply | null> {
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
  async function join(code: string, deviceLabel = 'phone'): Promise<JoinReply | null> {
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
    const found = await findTokenByHash(db, hashSecret(token));
    if (!found) return null;
    const { token: row } = found;
    if (row.expiresAt && row.expiresAt <= clock()) return null;
    const tokenId = row.id;
    switch (row.kind) {
      case 'session':
        return { role: 'coordinator', missionId: row.missionId, teamId: null, coordinatorId: row.coordinatorId, name: found.username ?? row.label, tokenId };
      case 'device':
        return { role: 'team', missionId: row.missionId, teamId: row.teamId, coordinatorId: null, name: found.callSign ?? row.label, tokenId };
      case 'display':
        return { role: 'display', missionId: row.missionId, teamId: null, coordinatorId: null, name: row.label, tokenId };
    }
  }

  /** GET /api/session: who the token is, its mission, and for a display link its own settings. */
  async function session(principal: Principal): Promise<SessionReply> {
    const display = principal.role === 'display' ? await findDisplayLink(db, principal.missionId, principal.tokenId) : undefined;
    return {
      role: principal.role,
      teamId: principal.teamId,
      name: principal.name,
      mission: await missionSummary(principal.missionId),
      display: display ? toDisplayLinkSettings(display) : null,
    };
  }

  async function createJoinCode(missionId: string, teamId: string): Promise<string> {
    const code = newJoinCode();
    await insertJoinCode(db, { codeHash: hashJoinCode(code), missionId, teamId });
    return code;
  }

  async function logout(principal: Principal, token: string): Promise<void> {
    await revokeToken(db, principal.missionId, hashSecret(token));
  }

  return { login, join, authenticate, session, createJoinCode, logout, missionSummary };
}

export type AuthService = ReturnType<typeof createAuthService>;
