/** SQL for missions' field kits. */
import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { fieldKits } from '../../../db/schema/index';
import type { FieldKit } from '../../../shared/schemas/forms';

type Reader = Db | Tx;

export async function findFieldKit(db: Reader, missionId: string): Promise<FieldKit | null> {
  const [row] = await db.select({ kit: fieldKits.kit }).from(fieldKits).where(eq(fieldKits.missionId, missionId));
  return row?.kit ?? null;
}

export async function saveFieldKit(db: Reader, missionId: string, kit: FieldKit): Promise<void> {
  await db
    .insert(fieldKits)
    .values({ missionId, kit })
    .onConflictDoUpdate({ target: fieldKits.missionId, set: { kit, updatedAt: sql`now()` } });
}
