/**
 * The rehearsal's results: a synthetic electorate with known shares, so a rehearsal can check the quick count and the
 * official comparison against the truth. Every station of the mission gets a count drawn once (registered voters,
 * ballots found, invalid, votes per candidate around SIMULATED_SHARES with station-level noise); teams copy the
 * protocol of the station where they close and report turnout at the turnout hours where they are; afterwards the
 * "commission" publishes every station's count, with a few observed stations' votes altered.
 */
import { SeededRandom } from '../../db/seed/seeded-random';
import type { Ballot, ProtocolFigures } from '../../shared/schemas/results';
import type { Station } from '../../shared/schemas/stations';

export const SIMULATED_CONTEST = 'mayor';
/** The electorate's shares of the valid vote, before each station's own swing. */
export const SIMULATED_SHARES: Readonly<Record<string, number>> = { A: 0.48, B: 0.34, C: 0.18 };
const CANDIDATE_NAMES: Readonly<Record<string, string>> = { A: 'Asanova', B: 'Bekov', C: 'Chyngyzov' };
/** The turnout hours, and how much of the day's final turnout has voted by each. */
export const SIMULATED_TURNOUT: readonly { at: string; minute: number; share: number }[] = [
  { at: '10:00', minute: 10 * 60, share: 0.3 },
  { at: '14:00', minute: 14 * 60, share: 0.65 },
  { at: '18:00', minute: 18 * 60, share: 0.9 },
];

export interface StationCount {
  figures: ProtocolFigures;
  votes: Record<string, number>;
}

export interface ResultsPopulation {
  counts: Map<string, StationCount>;
  /** The population's own shares of the valid vote, over every station: what the quick count estimates. */
  trueShares: Record<string, number>;
  /** Its turnout (found in the boxes over registered). */
  trueTurnout: number;
}

export function drawPopulation(stations: readonly Station[], seed: number): ResultsPopulation {
  const random = new SeededRandom(seed, 'results');
  const counts = new Map<string, StationCount>();
  const totals: Record<string, number> = {};
  let registeredTotal = 0;
  let foundTotal = 0;
  for (const station of [...stations].sort((a, b) => a.code.localeCompare(b.code))) {
    const registered = station.registeredVoters ?? random.int(800, 2600);
    const ballotsReceived = registered + random.int(0, 20);
    const issued = Math.round(registered * random.between(0.4, 0.7));
    const invalid = Math.round(issued * random.between(0.005, 0.03));
    const valid = issued - invalid;
    // Each station swings around the electorate's shares, as neighbourhoods do.
    const weights = Object.entries(SIMULATED_SHARES).map(([id, p]) => [id, p * random.between(0.75, 1.25)] as const);
    const weightSum = weights.reduce((n, [, w]) => n + w, 0);
    const votes: Record<string, number> = {};
    let given = 0;
    weights.forEach(([id, w], i) => {
      const n = i === weights.length - 1 ? valid - given : Math.round((valid * w) / weightSum);
      votes[id] = n;
      given += n;
      totals[id] = (totals[id] ?? 0) + n;
    });
    counts.set(station.id, {
      figures: {
        registered,
        ballotsReceived,
        issued,
        foundInBoxes: issued,
        valid,
        invalid,
        spoilt: 0,
        unused: ballotsReceived - issued,
      },
      votes,
    });
    registeredTotal += registered;
    foundTotal += issued;
  }
  const validTotal = Object.values(totals).reduce((a, b) => a + b, 0);
  return {
    counts,
    trueShares: Object.fromEntries(Object.entries(totals).map(([id, n]) => [id, n / validTotal])),
    trueTurnout: foundTotal / registeredTotal,
  };
}

/** The rehearsal's ballot: one contest over every station, the turnout hours, the sample teams close at. */
export function simulatedBallot(sampleCodes: readonly string[]): Ballot {
  return {
    contests: [
      {
        id: SIMULATED_CONTEST,
        name: 'Mayor (rehearsal)',
        kind: 'constituency',
        candidates: Object.keys(SIMULATED_SHARES).map((id) => ({ id, name: CANDIDATE_NAMES[id] ?? id })),
        stations: 'all',
      },
    ],
    turnoutHours: SIMULATED_TURNOUT.map((h) => h.at),
    protocolPhotoRequired: false,
    ...(sampleCodes.length > 0
      ? { sample: { stations: [...sampleCodes], stratified: false, minReported: Math.min(3, sampleCodes.length) } }
      : {}),
  };
}

/**
 * The commission's file: every station's count, except at `altered` stations, where a tenth of B's votes (at least
 * ten) went to A — the kind of change a domestic observer group exists to catch.
 */
export function officialCsv(
  stations: readonly Station[],
  population: ResultsPopulation,
  altered: ReadonlySet<string>,
): string {
  const lines = ['station_code,contest,candidate,votes,registered,found_in_boxes,valid,invalid'];
  for (const station of stations) {
    const count = population.counts.get(station.id);
    if (!count) continue;
    const votes = { ...count.votes };
    if (altered.has(station.id)) {
      const moved = Math.min(votes.B ?? 0, Math.max(10, Math.round((votes.B ?? 0) / 10)));
      votes.B = (votes.B ?? 0) - moved;
      votes.A = (votes.A ?? 0) + moved;
    }
    const { registered, foundInBoxes, valid, invalid } = count.figures;
    for (const [candidate, n] of Object.entries(votes))
      lines.push(
        [station.code, SIMULATED_CONTEST, candidate, n, registered, foundInBoxes, valid, invalid]
          .map((cell) => (/[",\n]/.test(String(cell)) ? `"${String(cell).replaceAll('"', '""')}"` : String(cell)))
          .join(','),
      );
  }
  return lines.join('\n') + '\n';
}
