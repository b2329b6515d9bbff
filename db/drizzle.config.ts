import { defineConfig } from 'drizzle-kit';

// Migrations are generated from db/schema and never edited by hand; both drivers apply the same files at start-up.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
  casing: 'snake_case',
});
