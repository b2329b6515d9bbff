/**
 * `npm run dev`: the server restarting on change (API and sockets on :3000) and Vite's dev server with hot reload
 * (the page on :5173, forwarding /api and /socket.io to :3000). Ctrl-C stops both.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from './config';

const bin = (name: string) => path.join(PROJECT_ROOT, 'node_modules', '.bin', name);
const children = [
  spawn(bin('tsx'), ['watch', 'server/main.ts'], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
    env: { ...process.env, SERVE_CLIENT: 'false' },
  }),
  spawn(bin('vite'), [], { cwd: PROJECT_ROOT, stdio: 'inherit' }),
];
process.stdout.write('Vigil dev: open http://localhost:5173/ (API on :3000)\n');

function stopAll(code: number) {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}
for (const child of children) child.on('exit', (code) => stopAll(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopAll(0));
