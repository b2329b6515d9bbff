import { pgTable, uuid, jsonb, timestamp } from 'drizzle-orm/pg-core';
import type { FieldKit } from '../../shared/schemas/forms';
import { missions } from './missions';

/** A mission's own checklist forms and finding taxonomy; a mission without a row uses the default kit. */
export const fieldKits = pgTable('field_kits', {
  missionId: uuid()
    .primaryKey()
    .references(() => missions.id),
  kit: jsonb().$type<FieldKit>().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
