/**
 * The one place that emits socket events. It tells each mission's sockets what was just committed.
 * Coordinators and displays sit in separate rooms: displays get their share of each event (display-redaction.ts),
 * under their mission's display policy. Each display link's sockets also share a room, so revoking the link reaches
 * them on every instance. Team phones are in no mission room: each sits in its team's room and gets only short notices
 * about its own team (a changed plan, a closed help request) and its inbox (`message`: coordinators' messages and
 * notices about its help requests and findings), never the feed.
 */
import type { StatusPatch } from '../../shared/realtime';
import { displayLinkRoom, missionRoom, teamRoom, tokenRoom } from '../../shared/realtime';
import type { DisplayLinkSettings, DisplayPolicy } from '../../shared/schemas/displays';
import type { FeedEvent, StoredEvent } from '../../shared/schemas/events';
import type { InboxItem } from '../../shared/schemas/messages';
import type { AlertSettings, Role } from '../../shared/schemas/auth';
import type { Station } from '../../shared/schemas/stations';
import type { DisplayPolicies } from '../modules/displays/display-policies';
import type { ReplayReply, WallReplay } from '../../shared/schemas/replay';
import { redactCommitForDisplay, redactReplayForDisplay } from '../modules/events/display-redaction';
import { createCommitFrames, type CommitFrameTimers } from './commit-frames';

import type { VigilServer } from './socket-types';

export function roomFor(missionId: string, role: Role): string {
  return role === 'display' ? `${missionRoom(missionId)}:display` : missionRoom(missionId);
}

/** How long a logout waits for the other instances to confirm they dropped the token's sockets. */
const REVOCATION_ACK_TIMEOUT_MS = 2000;

export const REVOKED_REASON = 'This display link was revoked by a coordinator.';

export interface BroadcasterOptions {
  policies: DisplayPolicies;
  /** The client build this instance serves now, announced with the head. */
  clientBuild: () => string | null;
  /** True with the Redis adapter: policy changes are then told to the other instances too. */
  severalInstances: boolean;
  onError: (error: unknown) => void;
  /** How often a mission's rooms may get a `commit` frame from this instance (commit-frames.ts); tests shorten it. */
  commitFrameIntervalMs?: number;
  commitFrameTimers?: CommitFrameTimers;
}

export function createBroadcaster(io: VigilServer, options: BroadcasterOptions) {
  const { policies, onError } = options;
  /**
   * Sends to a mission's displays wait for its policy (usually cached); chaining them per mission keeps them in the
   * order they were published. The chain is dropped once it has run out, so the map holds only busy missions.
   */
  const displayChains = new Map<string, Promise<void>>();

  function toDisplays(missionId: string, send: (policy: DisplayPolicy) => void): void {
    const chain = (displayChains.get(missionId) ?? Promise.resolve())
      .then(() => policies.get(missionId))
      .then(send)
      .catch(onError);
    displayChains.set(missionId, chain);
    void chain.then(() => {
      if (displayChains.get(missionId) === chain) displayChains.delete(missionId);
    });
  }

  /** Fan-out is news, not storage: a failed emit (Redis down) must never fail the request; clients catch up. */
  function safely(emit: () => void): void {
    try {
      emit();
    } catch (error) {
      onError(error);
    }
  }

  /**
   * One `commit` frame per room: a single emit is encoded once for the whole room (and published once to the other
   * instances), and a client gets the events and the rows they changed together or not at all. Commits that follow
   * each other closely share a frame (commit-frames.ts).
   */
  const commitFrames = createCommitFrames(
    (missionId, events, patch) => {
      safely(() => io.to(roomFor(missionId, 'coordinator')).emit('commit', { events, status: patch }));
      toDisplays(missionId, (policy) =>
        io.to(roomFor(missionId, 'display')).emit('commit', redactCommitForDisplay(events, patch, policy)),
      );
    },
    options.commitFrameIntervalMs,
    options.commitFrameTimers,
  );

  return {
    /** A station's details changed (stored already): coordinators and displays update their maps. */
    stationsChanged(missionId: string, stations: Station[]): void {
      safely(() => io.to(roomFor(missionId, 'coordinator')).emit('stations_changed', { stations }));
      safely(() => io.to(roomFor(missionId, 'display')).emit('stations_changed', { stations }));
    },
    /** A stored commit: its `commit` frame to the mission's rooms, and its notices to the teams it concerns. */
    publish(missionId: string, events: StoredEvent[], patch: StatusPatch, deliveries: InboxItem[] = []): void {
      commitFrames.add(missionId, events, patch);
      for (const { type, teamId, seq } of events) {
        if (teamId === null) continue;
        if (type === 'plan_changed') safely(() => io.to(teamRoom(teamId)).emit('plan_updated', { teamId, seq }));
        else if (type === 'help_resolved') safely(() => io.to(teamRoom(teamId)).emit('help_resolved', { teamId, seq }));
      }
      // Messages and notices go whole to their team's phones only (never to displays: they carry free text).
      for (const item of deliveries) safely(() => io.to(teamRoom(item.teamId)).emit('message', item));
    },

    /**
     * A coordinator shows the mission's walls a new past moment: every display of the mission, on every instance, gets
     * it redacted by the mission's policy. Stored already (wall_replays), so a wall that connects later is sent it too.
     */
    wallReplay(missionId: string, moment: ReplayReply, expiresAt: string): void {
      toDisplays(missionId, (policy) =>
        io
          .to(roomFor(missionId, 'display'))
          .emit('wall_replay', { moment: redactReplayForDisplay(moment, policy), expiresAt }),
      );
    },

    /** The moment on the walls stays on until `expiresAt`: only the lease travels, never the moment again. */
    wallReplayRenewed(missionId: string, at: string, expiresAt: string): void {
      // Through the same chain, so a renewal never overtakes the moment it renews.
      toDisplays(missionId, () => io.to(roomFor(missionId, 'display')).emit('wall_replay_renewed', { at, expiresAt }));
    },

    /** A display that just connected while a moment is on the walls: this socket only (it is on this instance). */
    sendWallReplay(socketId: string, missionId: string, replay: WallReplay): void {
      toDisplays(missionId, (policy) =>
        io.local
          .to(socketId)
          .emit('wall_replay', { moment: redactReplayForDisplay(replay.moment, policy), expiresAt: replay.expiresAt }),
      );
    },

    /** The walls go back to live (Back to live, or "Show on walls" turned off). */
    wallReplayEnded(missionId: string): void {
      // Through the same chain as wall_replay, so an end is never overtaken by a replay sent before it.
      toDisplays(missionId, () => io.to(roomFor(missionId, 'display')).emit('wall_replay_ended'));
    },

    /** Tells this instance's sockets of a mission its head, so a client that missed news catches up. */
    announceHead(missionId: string, seq: number): void {
      io.local
        .to([roomFor(missionId, 'coordinator'), roomFor(missionId, 'display')])
        .emit('head', { seq, build: options.clientBuild() });
    },

    /**
     * Events read from Postgres for one socket (already in the reader's share: see feed.service.ts). A frame may span
     * several commits, so it carries no rows: the client reads those after connecting (`status: null`).
     */
    sendCatchUp(socketId: string, events: FeedEvent[]): void {
      io.local.to(socketId).emit('commit', { events, status: null });
    },

    /**
     * Tells a revoked link's sockets, on every instance, and disconnects them for good. Each instance does both to its
     * own sockets when told: sent as two messages, the notice could travel on the room's own channel (a Redis Cluster
     * subscribes to it only once a socket joins, so a wall revoked just after it connected could miss it) and the
     * disconnection on another, and a wall cut off without the notice would keep trying to reconnect.
     */
    displayRevoked(linkId: string): void {
      const room = displayLinkRoom(linkId);
      io.local.to(room).emit('revoked', { reason: REVOKED_REASON });
      io.local.in(room).disconnectSockets(true);
      if (options.severalInstances) safely(() => io.serverSideEmit('display_revoked', linkId));
    },

    /** The same for this instance's sockets only: the periodic sweep that also works while Redis is down. */
    displayRevokedHere(linkId: string): void {
      const room = displayLinkRoom(linkId);
      io.local.to(room).emit('revoked', { reason: REVOKED_REASON });
      io.local.in(room).disconnectSockets(true);
    },

    /**
     * The mission's drill record was wiped, or drill mode switched: every page (coordinators and displays, every
     * instance) reloads its state.
     */
    missionReset(missionId: string, head: number): void {
      // Frames still waiting hold events of the log that is gone.
      commitFrames.drop(missionId);
      safely(() =>
        io.to([roomFor(missionId, 'coordinator'), roomFor(missionId, 'display')]).emit('mission_reset', { head }),
      );
    },

    /** A coordinator saved the mission's alert settings: every coordinator's page, on every instance, follows them. */
    alertSettingsChanged(missionId: string, settings: AlertSettings): void {
      safely(() => io.to(roomFor(missionId, 'coordinator')).emit('alert_settings', settings));
    },

    displaySettingsChanged(settings: DisplayLinkSettings): void {
      safely(() => io.to(displayLinkRoom(settings.id)).emit('display_settings', settings));
    },

    /**
     * Disconnects the sockets opened with a revoked token (a coordinator's session or a phone's device token) here, and
     * tells every other instance to forget the token and disconnect its sockets too. Resolves once they all said so
     * (or after REVOCATION_ACK_TIMEOUT_MS with Redis away: their sweep then drops them), so the logout answers only
     * when no instance will send that token anything more.
     */
    async tokenRevoked(tokenId: string): Promise<void> {
      io.local.in(tokenRoom(tokenId)).disconnectSockets(true);
      if (!options.severalInstances) return;
      // The adapter's own wait (requestsTimeout) never ends while Redis is away: it waits in Redis's offline queue.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          onError(new Error(`token revocation not confirmed by every instance within ${REVOCATION_ACK_TIMEOUT_MS} ms`));
          resolve();
        }, REVOCATION_ACK_TIMEOUT_MS);
        const done = () => (clearTimeout(timer), resolve());
        try {
          io.serverSideEmit('token_revoked', tokenId, (error: Error | null) => (error && onError(error), done()));
        } catch (error) {
          onError(error);
          done();
        }
      });
    },

    /** The same disconnection for this instance's sockets only: told by another instance, or the periodic sweep. */
    tokenRevokedHere(tokenId: string): void {
      io.local.in(tokenRoom(tokenId)).disconnectSockets(true);
    },

    /** Sends the frames still waiting (the server is closing). */
    close(): void {
      commitFrames.flushAll();
    },

    displayPolicyChanged(missionId: string): void {
      policies.forget(missionId);
      if (options.severalInstances) safely(() => io.serverSideEmit('display_policy_changed', missionId));
    },
  };
}

export type Broadcaster = ReturnType<typeof createBroadcaster>;
