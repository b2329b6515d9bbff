/** Every key the client asks t(...) for exists in English, so no screen shows a bare key like "stationPanel.titel". */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/lib/i18n/locales/en';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(svelte|ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function lookup(path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, part) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined),
      en,
    );
}

describe('keys the client uses', () => {
  const files = sources(join(import.meta.dirname, '../../client/src'));
  const calls = files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(/\bt\(\s*(['`])([\w.]+)(\$\{)?/g)].map((m) => ({
      file,
      key: m[2]!,
      dynamic: m[3] !== undefined,
    }));
  });

  it('finds the calls', () => {
    expect(calls.length).toBeGreaterThan(300);
  });

  it('names only keys English has: whole keys are texts, a key built from a value names a group of texts', () => {
    for (const { file, key, dynamic } of calls) {
      if (dynamic) {
        const group = lookup(key.replace(/\.$/, ''));
        expect(typeof group === 'object' && group !== null, `${file}: ${key}…`).toBe(true);
        for (const value of Object.values(group as object)) expect(typeof value, `${file}: ${key}…`).toBe('string');
      } else {
        expect(typeof lookup(key), `${file}: ${key}`).toBe('string');
      }
    }
  });
});
