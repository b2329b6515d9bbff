/**
 * Bench note for streamed exports: a mission with N events (inserted in SQL, default 300,000) exported as events.csv
 * over real HTTP; reports bytes, time and the server's peak heap and RSS growth while streaming. Run with
 * `npx tsx tests/bench/export-memory.ts [N]` (uses the Postgres of tests/helpers/services.ts).
 */
import { sql } from 'drizzle-orm';
import { buildTestApp } from '../helpers/app';
import { login } from '../helpers/events';
import { FIXTURE_PASSWORD } from '../helpers/app';

const n = Number(process.argv[2] ?? 300_000);
const t = await buildTestApp('postgres');
try {
  const m = t.own.missionId;
  const team = t.own.joinCodes[0]!.teamId;
  await t.database.db.execute(sql`
    insert into events (mission_id, seq, id, type, team_id, station_id, occurred_at, received_at, actor, payload, prev_hash, hash)
    select ${m}::uuid, g, gen_random_uuid(), 'position', ${team}::uuid, null, now(), now(),
           '{"role":"team","id":"x","name":"T01"}'::jsonb,
           jsonb_build_object('position', jsonb_build_object('lat', 42.8 + g * 1e-7, 'lng', 74.6, 'accuracyM', 10)),
           md5(g::text) || md5(g::text), md5((g + 1)::text) || md5((g + 1)::text)
    from generate_series(1, ${n}) g`);
  await t.database.db.execute(sql`update missions set last_seq = ${n} where id = ${m}`);
  const token = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/exports/events.csv`;
  global.gc?.();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  }, 20);
  const started = Date.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  clearInterval(sampler);
  const mb = (x: number) => (x / 1024 / 1024).toFixed(1);
  console.log(
    `events.csv of ${n} events: ${mb(bytes)} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `heap ${mb(before.heapUsed)} → peak ${mb(peakHeap)} MiB (+${mb(peakHeap - before.heapUsed)}), rss ${mb(before.rss)} → peak ${mb(peakRss)} MiB (+${mb(peakRss - before.rss)})`,
  );
} finally {
  await t.close();
}
