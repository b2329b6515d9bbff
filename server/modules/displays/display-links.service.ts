/**
 * Wall display links: coordinators make, rename, set up and revoke them, and decide what displays may show.
 * Order as everywhere: validate → save → answer → tell the sockets (a revoked display is told and disconnected, on
 * every instance).
 */
import type { Db } from '../../../db/client';
import type {
  CreateDisplayLinkBody,
  CreatedDisplayLink,
  DisplayLink,
  DisplayLinkSettings,
  DisplayLinksReply,
  DisplayPolicy,
  DisplayPolicyUpdate,
  UpdateDisplayLinkBody,
} from '../../../shared/schemas/displays';
import { HttpError } from '../../errors';
import { hashSecret, newToken } from '../auth/secrets';
import { readDisplayPolicy, saveDisplayPolicy } from './display-policies.repository';
import {
  findDisplayLink,
  insertDisplayLink,
  listDisplayLinks,
  revokeDisplayLink,
  toDisplayLink,
  toDisplayLinkSettings,
  updateDisplayLink,
} from './display-links.repository';
import type { DisplayPolicies } from './display-policies';

/** What the realtime layer does when links or the policy change; the broadcaster implements it. */
export interface DisplayNotifier {
  displayRevoked(linkId: string): void;
  displaySettingsChanged(settings: DisplayLinkSettings): void;
  displayPolicyChanged(missionId: string): void;
}

function noSuchLink(id: string): HttpError {
  return new HttpError(404, `params/id: no display link ${id} in this mission`, 'NOT_FOUND', [
    { field: 'params/id', problem: 'no such display link in this mission' },
  ]);
}

export function createDisplayLinksService(
  db: Db,
  policies: DisplayPolicies,
  notifier: DisplayNotifier,
  clock: () => Date = () => new Date(),
) {
  async function list(missionId: string): Promise<DisplayLinksReply> {
    const [rows, policy] = await Promise.all([listDisplayLinks(db, missionId), readDisplayPolicy(db, missionId)]);
    if (!policy) throw new Error(`mission ${missionId} vanished`);
    return { links: rows.map(toDisplayLink), policy };
  }

  async function create(missionId: string, body: CreateDisplayLinkBody): Promise<CreatedDisplayLink> {
    const token = newToken();
    const row = await insertDisplayLink(db, {
      tokenHash: hashSecret(token),
      missionId,
      label: body.label.trim(),
      rotationSeconds: body.rotationSeconds ?? null,
    });
    return { link: toDisplayLink(row), token, path: `/display?token=${encodeURIComponent(token)}` };
  }

  async function update(missionId: string, id: string, body: UpdateDisplayLinkBody): Promise<DisplayLink> {
    const changes: { label?: string; rotationSeconds?: number | null } = {};
    if (body.label !== undefined) changes.label = body.label.trim();
    if (body.rotationSeconds !== undefined) changes.rotationSeconds = body.rotationSeconds;
    const row = await updateDisplayLink(db, missionId, id, changes);
    if (!row) {
      const existing = await findDisplayLink(db, missionId, id);
      if (!existing) throw noSuchLink(id);
      throw new HttpError(409, 'this display link is revoked: make a new one', 'REVOKED');
    }
    notifier.displaySettingsChanged(toDisplayLinkSettings(row));
    return toDisplayLink(row);
  }

  /** Idempotent: revoking a revoked link changes nothing, but its sockets are told again, just in case. */
  async function revoke(missionId: string, id: string): Promise<void> {
    const revoked = await revokeDisplayLink(db, missionId, id, clock());
    if (!revoked && !(await findDisplayLink(db, missionId, id))) throw noSuchLink(id);
    notifier.displayRevoked(id);
  }

  /** A client that predates `showsQuickCount` leaves it out, and must not turn it off by that. */
  async function setPolicy(missionId: string, update: DisplayPolicyUpdate): Promise<DisplayPolicy> {
    const showsQuickCount =
      update.showsQuickCount ?? (await readDisplayPolicy(db, missionId))?.showsQuickCount ?? false;
    const policy: DisplayPolicy = { ...update, showsQuickCount };
    await saveDisplayPolicy(db, missionId, policy);
    policies.forget(missionId);
    notifier.displayPolicyChanged(missionId);
    return policy;
  }

  /** What a display link's own session says about it (GET /api/session); null when the link is gone. */
  async function settingsOf(missionId: string, linkId: string): Promise<DisplayLinkSettings | null> {
    const row = await findDisplayLink(db, missionId, linkId);
    return row ? toDisplayLinkSettings(row) : null;
  }

  return { list, create, update, revoke, setPolicy, settingsOf };
}

export type DisplayLinksService = ReturnType<typeof createDisplayLinksService>;
