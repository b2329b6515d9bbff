import { pgTable, uuid, text, timestamp, index, integer, foreignKey } from 'drizzle-orm/pg-core';
import { missions } from './missions';
import { teams } from './teams';

/**
 * The directory: the three tables a request reads before it knows its mission (a login by username, a bearer token by
 * its hash, a join code by its hash). They are the only mission-scoped tables not keyed by mission: partitioned by
 * mission, each such lookup would visit every partition. They stay small (a few rows per coordinator, team and wall)
 * and change rarely (a login, a join, a revocation), so on Citus they are reference tables on every node, and with one
 * primary per group of missions they live in each group's database like everything else. Every other table with a
 * `mission_id` has it in its primary key, its unique keys and its foreign keys (tests/server/partition-keys.test.ts).
 */
export const DIRECTORY_TABLES = ['coordinators', 'access_tokens', 'join_codes'] as const;

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
    teamId: uuid(),
    label: text().notNull(),
    /** Display links only: cycle the wall map through the city and each district every this many seconds; null = off. */
    rotationSeconds: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index().on(t.missionId),
    foreignKey({
      name: 'access_tokens_team_fk',
      columns: [t.missionId, t.teamId],
      foreignColumns: [teams.missionId, teams.id],
    }),
  ],
);

/** Team join codes, typed on a phone to get a device token. Stored hashed; joining is rate-limited. */
export const joinCodes = pgTable(
  'join_codes',
  {
    codeHash: text().primaryKey(),
    missionId: uuid()
      .notNull()
      .references(() => missions.id),
    teamId: uuid().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    foreignKey({
      name: 'join_codes_team_fk',
      columns: [t.missionId, t.teamId],
      foreignColumns: [teams.missionId, teams.id],
    }),
  ],
);
