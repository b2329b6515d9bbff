/**
 * Large replies (the whole station list of a national mission: 90 MB of JSON at 200,000 stations) built once per
 * version, kept compressed, and served with an ETag, so a thousand dashboards opening at 07:00 cost one build and a
 * thousand buffer writes, and a reload that has the list already costs a 304.
 *
 * - A version names the data (for stations: log head and the stations' own fields). A request is answered with a build
 *   at least as new as the version it found, so a read after a write sees the write.
 * - At most one build per key runs at a time; requests that arrive meanwhile wait for it, or for the next one if theirs
 *   is newer. A busy day therefore runs builds back to back, never a pile of them.
 * - A build never holds the event loop long: the builder hands over JSON a page at a time, and gzip and brotli run on
 *   libuv's thread pool as the pages stream in. Only the compressed bytes are kept (a client that accepts neither gets
 *   the gzip bytes inflated as a stream). Sending never does either: the kept bytes go out in slices (SLICE_BYTES).
 */
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { PassThrough, Readable } from 'node:stream';
import zlib from 'node:zlib';
import negotiate from '@fastify/accept-negotiator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** Writes one piece of the reply's JSON text; resolves when the compressors can take more. */
export type JsonWriter = (text: string) => Promise<void>;

export interface EncodedReplySource {
  /** The version of the data now: cheap to read, changes whenever the data does. */
  version(): Promise<string>;
  /** Writes the reply's JSON in pieces, from data at least as new as the version read just before. */
  build(write: JsonWriter): Promise<void>;
}

interface Encoded {
  etag: string;
  version: string;
  /** When its build began (before it read its version): anything a request saw before then, it contains. */
  startedAt: number;
  gzip: Buffer;
  br: Buffer;
}

interface Slot {
  latest?: Encoded;
  building?: { startedAt: number; done: Promise<Encoded> };
}

/** Keys (missions × kinds of reply) whose latest build is kept; the least recently built beyond this is dropped. */
const MAX_KEPT = 32;
/** Brotli's default quality (11) takes minutes on 90 MB; 5 is within a few percent of its size at a fraction of it. */
const BROTLI_QUALITY = 5;

declare module 'fastify' {
  interface FastifyInstance {
    encodedReplies: {
      /** Answers `request` from the cached encoding of `key`, building it when the data has moved on. */
      send(
        request: FastifyRequest,
        reply: FastifyReply,
        key: string,
        source: EncodedReplySource,
      ): Promise<FastifyReply>;
      /** Drops every kept build (tests, and the close of the app). */
      clear(): void;
    };
  }
}

/**
 * A kept reply goes out in slices of this size, and each turn of the event loop sends at most SLICES_PER_TURN of
 * them across all replies. Sent whole, each reply is one write that copies as much of its megabytes into the socket
 * as the kernel takes, at once: a build that finished with 200 readers waiting made 200 such copies in one turn (a
 * 0.6 s task, seen in the stations bench's profile). One slice per socket per turn was still 200 slices, 12.8 MB of
 * copying in one turn (0.28 s in the profile): the budget is shared.
 */
const SLICE_BYTES = 64 * 1024;
const SLICES_PER_TURN = 16;

/** Hands out at most `perTurn` sends per turn of the event loop; the rest wait their turn, first come first served. */
export class TurnBudget {
  #spent = 0;
  #waiting: (() => void)[] = [];
  #scheduled = false;
  constructor(readonly perTurn: number) {}

  /** Resolves when this turn (or a later one) has room for one more send. */
  take(): Promise<void> {
    this.#scheduleRefill();
    if (this.#spent < this.perTurn && this.#waiting.length === 0) {
      this.#spent++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #scheduleRefill(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#spent = 0;
      while (this.#spent < this.perTurn && this.#waiting.length > 0) {
        this.#spent++;
        this.#waiting.shift()!();
      }
      if (this.#waiting.length > 0 || this.#spent > 0) this.#scheduleRefill();
    });
  }
}

async function* slices(body: Buffer, budget: TurnBudget): AsyncGenerator<Buffer> {
  for (let start = 0; start < body.length; start += SLICE_BYTES) {
    await budget.take();
    yield body.subarray(start, start + SLICE_BYTES);
  }
}

/**
 * The stream's bytes in one Buffer. Not `stream/consumers`' `buffer()`: on Node 20 it gathers the chunks into a Blob
 * and copies them out again in one run of microtasks, about 90 ms for a national list's gzip and brotli bytes (seen in
 * the stations bench's profile, the longest stall of its cold read). `Buffer.concat` is one copy.
 */
function collect(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

const etagOf = (key: string, version: string) => `W/"${key}.${version}"`;

async function encode(key: string, source: EncodedReplySource): Promise<Encoded> {
  const startedAt = performance.now();
  const version = await source.version();
  // One stream of JSON piped into both compressors: pipe waits for the slower of the two, so the builder only ever
  // waits for this stream's own drain.
  const json = new PassThrough();
  const gzip = json.pipe(zlib.createGzip({ level: 6 }));
  const br = json.pipe(
    zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } }),
  );
  const compressed = Promise.all([collect(gzip), collect(br)]);
  let gzipped: Buffer;
  let brotlied: Buffer;
  try {
    await source.build(async (text) => {
      if (!json.write(text)) await once(json, 'drain');
    });
    json.end();
    [gzipped, brotlied] = await compressed;
  } catch (error) {
    compressed.catch(() => undefined);
    for (const stream of [json, gzip, br]) stream.destroy();
    throw error;
  }
  return { etag: etagOf(key, version), version, startedAt, gzip: gzipped, br: brotlied };
}

/**
 * How long a reader may wait for a build without its connection being cut as idle. Nothing moves on a connection
 * while its reader waits, and on a busy machine a national list's build outlasts the server's idle timeout (60 s):
 * in the stations bench, with the machine loaded, every one of 200 waiting readers was cut off just before the list
 * was ready. The request was accepted and is being answered, so it is not idle.
 */
const BUILD_WAIT_MS = 10 * 60_000;

async function waitingPatiently<T>(request: FastifyRequest, reply: FastifyReply, wait: () => Promise<T>): Promise<T> {
  const socket = request.raw.socket;
  const idleTimeout = socket.timeout ?? 0;
  if (idleTimeout === 0 || idleTimeout >= BUILD_WAIT_MS) return wait();
  socket.setTimeout(BUILD_WAIT_MS);
  // Back to the server's idle timeout once this reply is out: the connection may serve other requests after it.
  reply.raw.once('close', () => socket.setTimeout(idleTimeout));
  return wait();
}

export default fp(
  async (app) => {
    const slots = new Map<string, Slot>();
    const sends = new TurnBudget(SLICES_PER_TURN);

    function slotOf(key: string): Slot {
      let slot = slots.get(key);
      if (!slot) {
        slot = {};
        slots.set(key, slot);
        for (const old of slots.keys()) {
          if (slots.size <= MAX_KEPT) break;
          if (!slots.get(old)?.building) slots.delete(old);
        }
      }
      return slot;
    }

    /** A build that contains what the request saw: its version, or one begun after the request arrived. */
    async function encodedFor(key: string, source: EncodedReplySource, arrivedAt: number, seen: string) {
      for (;;) {
        const slot = slotOf(key);
        const latest = slot.latest;
        if (latest && (latest.version === seen || latest.startedAt >= arrivedAt)) return latest;
        if (!slot.building) {
          const startedAt = performance.now();
          const done = encode(key, source)
            .then((encoded) => {
              slot.latest = encoded;
              return encoded;
            })
            .finally(() => {
              slot.building = undefined;
            });
          slot.building = { startedAt, done };
        }
        const building = slot.building!;
        try {
          await building.done;
        } catch (error) {
          // A build begun for this request failed: say so. One begun earlier failed for its own readers; try again.
          if (building.startedAt >= arrivedAt) throw error;
        }
      }
    }

    app.decorate('encodedReplies', {
      async send(request: FastifyRequest, reply: FastifyReply, key: string, source: EncodedReplySource) {
        const arrivedAt = performance.now();
        const seen = await source.version();
        const known = request.headers['if-none-match'];
        reply.header('vary', 'accept-encoding').header('cache-control', 'private, no-cache');
        if (known === etagOf(key, seen)) return reply.status(304).header('etag', known).send();
        const encoded = await waitingPatiently(request, reply, () => encodedFor(key, source, arrivedAt, seen));
        reply.header('etag', encoded.etag);
        if (known === encoded.etag) return reply.status(304).send();
        reply.header('content-type', 'application/json; charset=utf-8');
        const accepted = negotiate(request.headers['accept-encoding'] ?? '', ['br', 'gzip', 'identity']);
        if (accepted === 'br' || accepted === 'gzip') {
          const body = encoded[accepted];
          return reply
            .header('content-encoding', accepted)
            .header('content-length', body.length)
            .send(Readable.from(slices(body, sends)));
        }
        return reply.send(Readable.from([encoded.gzip]).pipe(zlib.createGunzip()));
      },
      clear() {
        slots.clear();
      },
    });
    app.addHook('onClose', async () => slots.clear());
  },
  { name: 'encoded-replies' },
);
