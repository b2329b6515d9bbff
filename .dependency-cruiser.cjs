/**
 * Which code may import which (`npm run deps`, part of `npm test`). STYLE habit 11: imports go downward only.
 *
 * .dependency-cruiser-known-violations.json lists known violations that are ignored, so the check fails only on a NEW
 * one. It is empty: issue 15's refactor removed the last. Should a big move ever need one for a while, list it there
 * (`npm run deps:baseline`) and remove it soon; never regenerate the list to make a new violation pass.
 */

/**
 * The areas of server/modules, from the ground up. An area may import an area of a LOWER rank, never one of its own
 * rank or above. `log` (the event log's head, rows, hash chain and verifier) is the ground every area stands on;
 * `mission-record` (the mission's row and summary, which every area needs) stands on it.
 * Read-side areas sit below `events`, whose projector writes their read models; `missions` (setting a mission up, its
 * files, drills, operations) composes everything below it.
 */
const AREA_RANKS = {
  log: -2,
  'mission-record': -1,
  auth: 0,
  photos: 0,
  forms: 1,
  displays: 1,
  stations: 2,
  teams: 3,
  conflicts: 3,
  findings: 3,
  map: 3,
  coverage: 3,
  summary: 3,
  exports: 3,
  messages: 3,
  results: 3,
  events: 4,
  missions: 5,
  replay: 5,
};

/**
 * Ground files: pure building blocks with no import from another area, which any area may use.
 */
const GROUND_FILES = [
  'server/modules/auth/principal.ts',
  'server/modules/auth/secrets.ts',
  'server/modules/events/display-redaction.ts',
  'server/modules/events/event-validation.ts',
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const areas = Object.keys(AREA_RANKS);

const areaRules = areas.map((area) => {
  const allowed = [area, ...areas.filter((other) => AREA_RANKS[other] < AREA_RANKS[area])];
  return {
    name: `area-${area}-imports-downward`,
    comment:
      `server/modules/${area} (rank ${AREA_RANKS[area]}) may import only ${allowed.join(', ')} ` +
      'and the ground files: see AREA_RANKS in .dependency-cruiser.cjs.',
    severity: 'error',
    from: { path: `^server/modules/${area}/` },
    to: {
      path: '^server/modules/',
      pathNot: [`^server/modules/(${allowed.join('|')})/`, ...GROUND_FILES.map((file) => `^${escape(file)}$`)],
    },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-foreign-repository',
      comment:
        "An area's repository (its SQL) is its own: another area asks that area's service or a ground module instead.",
      severity: 'error',
      from: { path: '^server/modules/([^/]+)/' },
      to: { path: '^server/modules/([^/]+)/[^/]+\\.repository\\.ts$', pathNot: '^server/modules/$1/' },
    },
    ...areaRules,
    {
      name: 'shared-stands-alone',
      comment: 'shared/ holds the wire shapes that server and client both use: it imports neither, nor db/.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(server|client|db)/' },
    },
    {
      name: 'client-not-server',
      comment: 'The client bundle never pulls in server or database code; it meets the server through shared/.',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^(server|db)/' },
    },
    {
      name: 'db-not-server',
      comment: 'db/ (schema, client, migrations, seed) sits under the server: it never imports it.',
      severity: 'error',
      from: { path: '^db/' },
      to: { path: '^(server|client)/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles between files (there are none today).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|client/dist|data|tests/artifacts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.svelte.ts', '.js', '.svelte', '.json'],
    },
  },
};
