import { pgTable, uuid, text, timestamp, index, integer } from 'drizzle-orm/pg-core';
import { missions } from './missions';
import { teams } from './teams';

/** Coordinator accounts. Passwords are stored as scrypt hashes. */
export const coordinators = pgTable('coordinators', {
  id: uuid().primaryKey(),
  missionId: uuid()
    .notNull()
    .references(() => missions.id),
  /** Unique across missions: the login form asks only for a name and a password. */
  username: text().notNull().unique(),
  displayName: text().notNull(),
  passwordHash: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export type TokenKind = 'session' | 'device' | 'display';

/**
 * Bearer tokens: a coordinator's session, a team phone's device token, a wall display's link.
 * Only the SHA-256 of each token is kept; tokens are 256 random bits, so a fast hash is enough.
 */
export const accessTokens = pgTable(
  'access_tokens',
  {
    tokenHash: text().primaryKey(),
    /** Names the token in the API (a display link is revoked by id); the token itself is never stored. */
    id: uuid().notNull().defaultRandom().unique(),
    kind: text().$type<TokenKind>().notNull(),
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    coordinatorId: uuid().references(() => coordinators.id),
    teamId: uuid().references(() => teams.id),
    label: text().notNull(),
    /** Display links only: cycle the wall map through the city and each district every this many seconds; null = off. */
    rotationSeconds: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.missionId)],
);

/** Team join codes, typed on a phone to get a device token. Stored hashed; joining is rate-limited. */
export const joinCodes = pgTable('join_codes', {
  codeHash: text().primaryKey(),
  missionId: uuid()
    .notNull()
    .references(() => missions.id),
  teamId: uuid()
    .notNull()
    .references(() => teams.id),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp({ withTimezone: true }),
});
