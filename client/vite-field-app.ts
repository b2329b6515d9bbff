/**
 * Build support for the observer's phone app (client/field.html): its own page next to the dashboard's, served at
 * /field and /join in development as in production, and its service worker (src/service-worker.ts → dist/sw.js)
 * stamped with the exact files of this build to keep for offline use.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Plugin } from 'vite';
import { FIELD_APP_PAGE, isFieldAppPath } from '../shared/field-app.js';

/** The public files (client/public) the app needs offline, besides what the bundle produces. */
const PUBLIC_FILES = [
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon-maskable-512.png',
];
export function fieldApp(clientRoot: string): Plugin[] {
  const page: Plugin = {
    name: 'vigil-field-page',
    config: () => ({
      build: {
        rollupOptions: {
          input: { main: path.join(clientRoot, 'index.html'), field: path.join(clientRoot, 'field.html') },
        },
      },
    }),
    configureServer(server) {
      server.middlewares.use((request, _response, next) => {
        const [pathname, query] = (request.url ?? '').split('?');
        if (pathname !== undefined && isFieldAppPath(pathname)) {
          request.url = `${FIELD_APP_PAGE}${query ? `?${query}` : ''}`;
        }
        next();
      });
    },
  };

  const serviceWorker: Plugin = {
    name: 'vigil-field-service-worker',
    apply: 'build',
    buildStart() {
      this.emitFile({ type: 'chunk', id: path.join(clientRoot, 'src', 'service-worker.ts'), fileName: 'sw.js' });
    },
    generateBundle(_options, bundle) {
      const entry = Object.values(bundle).find(
        (file) => file.type === 'chunk' && file.isEntry && file.facadeModuleId?.endsWith('field.html'),
      );
      if (!entry || entry.type !== 'chunk')
        throw new Error('the field app entry (field.html) is missing from the build');
      const files = new Set<string>([FIELD_APP_PAGE, ...PUBLIC_FILES]);
      const visit = (fileName: string) => {
        const file = bundle[fileName];
        if (!file || files.has(`/${fileName}`)) return;
        files.add(`/${fileName}`);
        if (file.type !== 'chunk') return;
        for (const css of file.viteMetadata?.importedCss ?? []) files.add(`/${css}`);
        for (const asset of file.viteMetadata?.importedAssets ?? []) files.add(`/${asset}`);
        for (const imported of file.imports) visit(imported);
        // Loaded on demand (the incident map), but needed offline all the same.
        for (const imported of file.dynamicImports) visit(imported);
      };
      visit(entry.fileName);
      const list = [...files].sort();
      // Hashed file names change with their content; the page itself keeps its name, so its content counts too.
      const html = bundle['field.html'];
      const version = createHash('sha256')
        .update(list.join('\n'))
        .update(html && html.type === 'asset' ? html.source : '')
        .digest('hex')
        .slice(0, 12);
      const worker = bundle['sw.js'];
      if (!worker || worker.type !== 'chunk') throw new Error('the service worker chunk is missing from the build');
      worker.code = `const VIGIL_PRECACHE = ${JSON.stringify({ version, files: list })};\n${worker.code}`;
    },
  };

  return [page, serviceWorker];
}
