/**
 * Writes a brotli (.br) and a gzip (.gz) copy beside every script and stylesheet the build puts in assets/, which the
 * server sends as they are (@fastify/static's preCompressed, server/app.ts). Compressed per request instead (by
 * @fastify/compress, as every other reply is), the bundle's files took 150 to 650 ms each to leave even an idle server,
 * and the dashboard's first render waited for them. The names are hashed, so a copy never outlives its file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
/** Below this a compressed copy saves too little to be worth a file (the server's own threshold too). */
const MIN_BYTES = 1024;
const COMPRESSIBLE = /^assets\/.+\.(js|mjs|css)$/;

export function precompressAssets(): Plugin {
  let outDir = '';
  return {
    name: 'vigil-precompress-assets',
    apply: 'build',
    configResolved: (config) => {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((name) => COMPRESSIBLE.test(name));
      await Promise.all(
        files.map(async (name) => {
          const file = path.join(outDir, name);
          const data = await readFile(file);
          if (data.length < MIN_BYTES) return;
          // Once per build, so the slowest, smallest settings.
          const [br, gz] = await Promise.all([
            brotli(data, {
              params: {
                [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
                [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
              },
            }),
            gzip(data, { level: zlib.constants.Z_BEST_COMPRESSION }),
          ]);
          await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gz)]);
        }),
      );
    },
  };
}
