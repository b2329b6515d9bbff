/** Wall display links and the mission's rules for what displays may show. */
import { Type, type Static } from 'typebox';
import { MAX_DISPLAY_ROTATION_SECONDS, MIN_DISPLAY_ROTATION_SECONDS } from '../constants';
import { IsoTime, Uuid } from './common';

/** What a mission lets its wall displays receive beyond aggregates, stations and finding summaries. */
export const DisplayPolicy = Type.Object(
  {
    /** Findings' free text in the ticker (off by default: press and guests may be in the room). */
    showsFindingText: Type.Boolean(),
    /** Team positions in events and team status (off by default). */
    showsTeamPositions: Type.Boolean(),
    /**
     * The quick count's estimates (GET /api/quick-count) on the walls (off by default: a mission may keep its
     * estimates to itself until the commission announces).
     */
    showsQuickCount: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type DisplayPolicy = Static<typeof DisplayPolicy>;

/** PUT /api/display-links/policy: the policy, where a `showsQuickCount` left out keeps its stored value. */
export const DisplayPolicyUpdate = Type.Object(
  { ...DisplayPolicy.properties, showsQuickCount: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type DisplayPolicyUpdate = Static<typeof DisplayPolicyUpdate>;

export const DisplayLabel = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '\\S',
  description: 'A name for the screen, e.g. "Situation room, left wall"',
});

/** Seconds per view when the wall cycles through the city and each district; null shows the whole city only. */
export const RotationSeconds = Type.Union([
  Type.Integer({ minimum: MIN_DISPLAY_ROTATION_SECONDS, maximum: MAX_DISPLAY_ROTATION_SECONDS }),
  Type.Null(),
]);

/** What a display knows of its own link (GET /api/session, `display_settings`). */
export const DisplayLinkSettings = Type.Object({
  id: Uuid,
  label: Type.String(),
  rotationSeconds: RotationSeconds,
});
export type DisplayLinkSettings = Static<typeof DisplayLinkSettings>;

/** A display link as coordinators manage it. The token is shown once, when the link is made: only its hash is kept. */
export const DisplayLink = Type.Object({
  id: Uuid,
  label: Type.String(),
  rotationSeconds: RotationSeconds,
  createdAt: IsoTime,
  revokedAt: Type.Union([IsoTime, Type.Null()]),
});
export type DisplayLink = Static<typeof DisplayLink>;

export const DisplayLinksReply = Type.Object({ links: Type.Array(DisplayLink), policy: DisplayPolicy });
export type DisplayLinksReply = Static<typeof DisplayLinksReply>;

export const CreateDisplayLinkBody = Type.Object(
  { label: DisplayLabel, rotationSeconds: Type.Optional(RotationSeconds) },
  { additionalProperties: false },
);
export type CreateDisplayLinkBody = Static<typeof CreateDisplayLinkBody>;

export const CreatedDisplayLink = Type.Object({
  link: DisplayLink,
  /** The display's bearer token: shown this once. */
  token: Type.String(),
  /** Path and query of the display page, to put after the address users reach the server at. */
  path: Type.String(),
});
export type CreatedDisplayLink = Static<typeof CreatedDisplayLink>;

export const UpdateDisplayLinkBody = Type.Object(
  { label: Type.Optional(DisplayLabel), rotationSeconds: Type.Optional(RotationSeconds) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateDisplayLinkBody = Static<typeof UpdateDisplayLinkBody>;

export const DisplayLinkParams = Type.Object({ id: Uuid }, { additionalProperties: false });

/** Sent to a display's sockets just before the server disconnects them for good. */
export const DisplayRevoked = Type.Object({ reason: Type.String() });
export type DisplayRevoked = Static<typeof DisplayRevoked>;
