/** Opens the database (PGlite or Postgres), applies migrations, and closes it when the app closes. */
import path from 'node:path';
import fp from 'fastify-plugin';
import { openDatabase, type Database } from '../../../db/client';

export default fp<{ database?: Database }>(
  async (app, options) => {
    const { config } = app;
    const database =
      options.database ??
      (await openDatabase(
        config.databaseUrl
          ? { driver: 'postgres', url: config.databaseUrl, poolSize: config.databasePoolSize }
          : { driver: 'pglite', dataDir: config.dataDir ? path.join(config.dataDir, 'pglite') : null },
      ));
    await database.migrate();
    app.decorate('database', database);
    // A database handed in by a test belongs to the test; one we opened is ours to close.
    if (!options.database) app.addHook('onClose', async () => database.close());
    app.log.info({ driver: database.driver }, 'database ready');
  },
  { name: 'database' },
);
