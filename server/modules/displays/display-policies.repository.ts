/** SQL for a mission's display policy: what wall displays may receive. It is kept in the mission's row. */
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { missions } from '../../../db/schema/index';
import type { DisplayPolicy } from '../../../shared/schemas/displays';

type Reader = Db | Tx;

/** undefined when there is no such mission. */
export async function readDisplayPolicy(db: Reader, missionId: string): Promise<DisplayPolicy | undefined> {
  const [row] = await db
    .select({
      showsFindingText: missions.displayShowsFindingText,
      showsTeamPositions: missions.displayShowsTeamPositions,
      showsQuickCount: missions.displayShowsQuickCount,
    })
    .from(missions)
    .where(eq(missions.id, missionId));
  return row;
}

export async function saveDisplayPolicy(db: Reader, missionId: string, policy: DisplayPolicy): Promise<void> {
  await db
    .update(missions)
    .set({
      displayShowsFindingText: policy.showsFindingText,
      displayShowsTeamPositions: policy.showsTeamPositions,
      displayShowsQuickCount: policy.showsQuickCount,
    })
    .where(eq(missions.id, missionId));
}
