/**
 * `npm run simulate -- --url http://localhost:3000 --user coordinator --password … --duration 10m --drill`
 * Plays a rehearsal election day against a running Vigil (see simulator.ts). Credentials may also come from
 * VIGIL_USER and VIGIL_PASSWORD.
 */
import { parseArgs } from 'node:util';
import { parseDuration, simulateDay } from './simulator';

const USAGE = `usage: npm run simulate -- [--url http://localhost:3000] --user NAME --password SECRET [--duration 10m] [--seed 1] [--drill] [--results]
  --duration  real time the day (06:30–22:30) takes: 90s, 10m, 1h (default 10m)
  --drill     switch the mission to drill mode first (only while its log is empty); without it the mission must be in drill mode
  --results   also play the results: set a ballot, report turnout and protocols, import official results (two altered)`;

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.VIGIL_URL ?? 'http://localhost:3000' },
    user: { type: 'string', default: process.env.VIGIL_USER },
    password: { type: 'string', default: process.env.VIGIL_PASSWORD },
    duration: { type: 'string', default: '10m' },
    seed: { type: 'string', default: '1' },
    drill: { type: 'boolean', default: false },
    results: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
const durationMs = parseDuration(values.duration);
if (values.help || !values.user || !values.password || durationMs === null || !Number.isInteger(Number(values.seed))) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
try {
  const report = await simulateDay({
    url: values.url,
    username: values.user,
    password: values.password,
    durationMs,
    seed: Number(values.seed),
    drill: values.drill,
    results: values.results,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const s = report.summary;
  process.stdout.write(
    `Dashboard now: ${s.stations.coveredToday}/${s.stations.total} stations covered today, ${s.teams.active}/${s.teams.total} teams active, ` +
      `help open ${s.teams.helpOpen}; head ${s.head}.\n` +
      `Clusters of findings around stations ${report.clusterStations.join(', ')}; silent team ${report.silentTeam ?? '-'}; help from ${report.helpTeam ?? '-'}; ` +
      `conflicting reports at ${report.conflictStation ?? '-'}.\n`,
  );
  if (report.results)
    process.stdout.write(
      `True shares ${Object.entries(report.results.trueShares)
        .map(([id, share]) => `${id} ${(share * 100).toFixed(1)} %`)
        .join(', ')}; official votes altered at ${report.results.alteredStations.join(', ')}.\n`,
    );
  for (const r of report.rejected.slice(0, 10)) process.stdout.write(`refused ${r.type}: ${r.error}\n`);
  process.exitCode = report.rejected.length > 0 ? 1 : 0;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
