/**
 * `npm run mission -- <command>`: set up and inspect missions in the configured database (DATABASE_URL, or the embedded
 * one under DATA_DIR — stop `npm start` first then: an embedded database has one user at a time).
 *
 *   create --name NAME --election-date YYYY-MM-DD --stations FILE.csv|.geojson (--teams FILE.csv | --team-count N)
 *          [--plan FILE.csv] [--time-zone Asia/Bishkek] [--languages en,ru] [--username coordinator] [--password …]
 *          [--display-label "Situation room"] [--json]
 *   list
 *
 * `create` prints the coordinator's credentials, one join code and link per team, and the display link — once: the
 * database keeps only their hashes. The links start with PUBLIC_URL (or `--public-url`); without either, the CLI cannot
 * know where the server is reached, so it says which address it assumed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/client';
import { loadConfig } from './config';
import { linkLines } from './demo';
import { newPassword } from './modules/auth/secrets';
import { findCoordinatorByUsername } from './modules/auth/auth.repository';
import { listMissions } from './modules/mission-record/mission-record';
import { missionPlanFromFiles } from './modules/missions/mission-files';
import { setUpMission } from './modules/missions/mission-setup';

const USAGE = `usage:
  npm run mission -- create --name NAME --election-date YYYY-MM-DD --stations stations.csv (--teams teams.csv | --team-count N)
                            [--plan plan.csv] [--time-zone Asia/Bishkek] [--languages en,ru] [--username coordinator]
                            [--password SECRET] [--display-label "Situation room"] [--public-url URL] [--json]
  npm run mission -- list`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: {
    name: { type: 'string' },
    'election-date': { type: 'string' },
    'time-zone': { type: 'string', default: 'Asia/Bishkek' },
    languages: { type: 'string', default: 'en,ru' },
    stations: { type: 'string' },
    teams: { type: 'string' },
    'team-count': { type: 'string' },
    plan: { type: 'string' },
    username: { type: 'string', default: 'coordinator' },
    password: { type: 'string' },
    'display-label': { type: 'string', default: 'Situation room' },
    'public-url': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});
if (command !== 'create' && command !== 'list') fail(USAGE);

const publicUrl = values['public-url'] ?? process.env.PUBLIC_URL;
if (publicUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(publicUrl))
  fail(`--public-url / PUBLIC_URL must be an http(s) address, got "${publicUrl}"`);
const config = loadConfig(publicUrl ? { ...process.env, PUBLIC_URL: publicUrl } : process.env);
/** Said when the links' address is a guess: the server may run elsewhere or on another port. */
const assumedAddressNote = publicUrl
  ? null
  : `The links assume the server is reached at ${config.publicUrl} (PUBLIC_URL is not set). If it is reached elsewhere, ` +
    'use that address instead, or run again with PUBLIC_URL=https://… or --public-url.';
const database = await openDatabase(
  config.databaseUrl
    ? { driver: 'postgres', url: config.databaseUrl, poolSize: 2 }
    : { driver: 'pglite', dataDir: config.dataDir ? path.join(config.dataDir, 'pglite') : null },
);
try {
  await database.migrate();
  if (command === 'list') {
    for (const m of await listMissions(database.db)) {
      process.stdout.write(
        `${m.id}  ${m.name}  election ${m.electionDate}  ${m.drill ? 'DRILL' : 'live'}  ${m.lastSeq} events\n`,
      );
    }
  } else {
    const read = (file: string | undefined, what: string) => {
      if (!file) fail(`--${what} is required\n${USAGE}`);
      try {
        return readFileSync(file, 'utf8');
      } catch (error) {
        return fail(`cannot read ${what} file ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    if (!values.name || !values['election-date']) fail(`--name and --election-date are required\n${USAGE}`);
    if (!values.teams && !values['team-count']) fail(`give --teams teams.csv or --team-count N\n${USAGE}`);
    const stationsFile = values.stations;
    const password = values.password ?? newPassword();
    const result = missionPlanFromFiles({
      name: values.name,
      electionDate: values['election-date'],
      timeZone: values['time-zone'],
      languages: values.languages
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
      stations: {
        text: read(stationsFile, 'stations'),
        format: /\.(geo)?json$/i.test(stationsFile ?? '') ? 'geojson' : 'csv',
      },
      teams: values.teams ? { text: read(values.teams, 'teams') } : { count: Number(values['team-count']) },
      ...(values.plan ? { plan: read(values.plan, 'plan') } : {}),
      coordinator: { username: values.username, displayName: `Coordinator of ${values.name}`, password },
      displayLabel: values['display-label'],
    });
    if (result.ok && (await findCoordinatorByUsername(database.db, values.username))) {
      process.stderr.write(
        `Nothing was created: the username "${values.username}" is taken (usernames are unique across missions); choose another with --username\n`,
      );
      process.exitCode = 1;
    } else if (!result.ok) {
      process.stderr.write(
        `Nothing was created; fix these and run again:\n${result.problems.map((p) => `  ${p}`).join('\n')}\n`,
      );
      process.exitCode = 1;
    } else {
      const credentials = await setUpMission(database.db, result.plan);
      if (!credentials) throw new Error('set-up returned nothing');
      if (values.json) {
        process.stdout.write(
          `${JSON.stringify({ ...credentials, publicUrl: config.publicUrl, publicUrlAssumed: !publicUrl, stations: result.plan.stations.length }, null, 2)}\n`,
        );
      } else {
        process.stdout.write(
          [
            `Mission "${result.plan.mission.name}" created: ${credentials.missionId}`,
            `${result.plan.stations.length} stations, ${credentials.joinCodes.length} teams. These secrets are shown once:`,
            ...linkLines(config, credentials),
            ...(assumedAddressNote ? ['', assumedAddressNote] : []),
            '',
          ].join('\n'),
        );
      }
    }
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await database.close();
}
