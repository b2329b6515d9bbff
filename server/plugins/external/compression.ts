/**
 * Compresses replies (brotli or gzip, by Accept-Encoding) above a kilobyte: the coverage, the team list and the
 * exports of a national mission run to megabytes, and phones read them over poor mobile data. The station list comes
 * already compressed from its cache (encoded-replies.ts), which this plugin leaves alone because it carries its own
 * Content-Encoding.
 */
import compress from '@fastify/compress';
import fp from 'fastify-plugin';
import zlib from 'node:zlib';

export default fp(
  async (app) => {
    await app.register(compress, {
      global: true,
      threshold: 1024,
      encodings: ['br', 'gzip'],
      // Brotli at its default quality (11) costs far more CPU per reply than the bytes it saves over quality 4.
      brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
    });
  },
  { name: 'compression' },
);
