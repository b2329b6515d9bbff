/**
 * Slow clients (finding 10 of the hardening review): 1,500 connections each sending a request head a line at a time and
 * never finishing it, held from this process's sockets, while `/health` is timed; beside a same-run baseline without
 * them. The server is a real instance with its production timeouts; those it cuts off reconnect, as an attacker would.
 */
import net from 'node:net';
import type { VigilInstance } from '../helpers/processes';
import { round, summarize } from './measure';

export interface SlowlorisRow {
  figure: string;
  vigil: string;
  baseline: string;
  ratio: string;
  target: string;
}

const QUICK = process.env.BENCH_QUICK === '1';
const SLOW_CLIENTS = QUICK ? 50 : 1500;
const PROBES = QUICK ? 50 : 1000;
const PROBE_INTERVAL_MS = 10;
/** Each slow client sends one more header line this often (keeps the connection busy, never complete). */
const DRIP_INTERVAL_MS = 5000;

/** p50/p99 of sequential GET /health round trips, one every PROBE_INTERVAL_MS. */
async function probeHealth(base: string): Promise<{ p50: number; p99: number; max: number; failures: number }> {
  const latencies: number[] = [];
  let failures = 0;
  for (let i = 0; i < PROBES; i++) {
    const t0 = performance.now();
    try {
      const res = await fetch(`${base}/health`);
      await res.arrayBuffer();
      if (res.status === 200) latencies.push(performance.now() - t0);
      else failures += 1;
    } catch {
      failures += 1;
    }
    await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
  }
  return { ...summarize(latencies), failures };
}

/** Holds `count` half-open requests against host:port until stopped; counts how often the server cut one off. */
function holdSlowClients(port: number, count: number) {
  let stopped = false;
  let cutOff = 0;
  let open = 0;
  const sockets = new Set<net.Socket>();
  const openOne = () => {
    if (stopped) return;
    const socket = net.connect(port, '127.0.0.1');
    sockets.add(socket);
    let drip: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      open += 1;
      socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      drip = setInterval(
        () => socket.writable && socket.write(`X-Slow-${Math.random().toString(36).slice(2, 8)}: 1\r\n`),
        DRIP_INTERVAL_MS,
      );
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(drip);
      sockets.delete(socket);
      if (stopped) return;
      open -= 1;
      cutOff += 1;
      setTimeout(openOne, 100);
    });
  };
  for (let i = 0; i < count; i++) setTimeout(openOne, i % 500);
  return {
    get open() {
      return open;
    },
    get cutOff() {
      return cutOff;
    },
    stop() {
      stopped = true;
      for (const socket of sockets) socket.destroy();
    },
  };
}

export async function slowlorisSection(
  start: () => Promise<VigilInstance>,
  log: (line: string) => void,
): Promise<SlowlorisRow[]> {
  const instance = await start();
  const port = Number(new URL(instance.url).port);
  log('slowloris: baseline /health without slow clients');
  const baseline = await probeHealth(instance.url);
  log(`slowloris: ${SLOW_CLIENTS} half-open requests`);
  const slow = holdSlowClients(port, SLOW_CLIENTS);
  const deadline = Date.now() + 30_000;
  while (slow.open < SLOW_CLIENTS * 0.95 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const heldAtStart = slow.open;
  const loaded = await probeHealth(instance.url);
  // Long enough for the headers timeout (10 s) to have cut off the first wave.
  await new Promise((r) => setTimeout(r, QUICK ? 1000 : 12_000));
  const cutOff = slow.cutOff;
  slow.stop();
  await instance.stop('SIGKILL');
  return [
    {
      figure: `GET /health with ${SLOW_CLIENTS} slow-headers clients held open (${PROBES} sequential probes)`,
      vigil: `p50 ${round(loaded.p50)} ms, p99 ${round(loaded.p99)} ms, max ${round(loaded.max)} ms, ${loaded.failures} failed; ${heldAtStart} held, ${cutOff} cut off by the headers timeout and reconnected`,
      baseline: `no slow clients: p50 ${round(baseline.p50)} ms, p99 ${round(baseline.p99)} ms`,
      ratio: `p99 ×${round(loaded.p99 / baseline.p99, 1)}`,
      target: 'p99 < 100 ms (issue 14)',
    },
  ];
}
