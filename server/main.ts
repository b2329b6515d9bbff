/**
 * The process: read configuration, build the client if needed, build the app, seed the demo, listen,
 * print the links, and drain cleanly on SIGTERM/SIGINT.
 */
import { buildApp } from './app';
import { loadConfig } from './config';
import { ensureClientBuilt } from './client-build';
import { ensureDemoMission, linkLines } from './demo';
import { boxed } from './console-banner';
import { describeRedisTarget, redisTarget } from './plugins/external/redis-connection';
import { demoDayRequested, playDemoDay } from './demo-day';

const config = loadConfig();
const demoDayMs = demoDayRequested(process.argv.slice(2));
await ensureClientBuilt(config);
const app = await buildApp(config);
const credentials = config.seedDemo ? await ensureDemoMission(app.database.db, config) : null;
await app.listen({ host: config.host, port: config.port });
// Fastify logs "Server listening at …" just after listen resolves: let it out first, so the box of links stays last.
await new Promise<void>((resolve) => setTimeout(resolve, 50));

const redis = redisTarget(config);
const banner = [
  `Vigil is running at ${config.publicUrl}/ (${app.database.driver}${redis ? ` + ${describeRedisTarget(redis)}` : ''})`,
];
if (credentials) banner.push(...linkLines(config, credentials));
else if (config.seedDemo) banner.push('Demo mission exists; its links were printed by the instance that created it.');
banner.push(`API documentation: ${config.publicUrl}/api/docs`);
// Requests are logged at debug (plugins/external/request-log.ts), so at the default level this box stays in view.
process.stdout.write(`\n${boxed(banner)}\n`);

if (demoDayMs !== null) {
  if (credentials) {
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    void playDemoDay(`http://127.0.0.1:${port}`, credentials, demoDayMs, (line) => process.stdout.write(`${line}\n`));
  } else {
    process.stdout.write('Demo day not played: this start has no demo mission credentials (set VIGIL_SEED_DEMO).\n');
  }
}

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'draining: no new connections, finishing accepted requests');
    // Fastify stops accepting, waits for in-flight requests (each answers only after its commit), then the
    // onClose hooks close sockets, Redis and the database.
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
