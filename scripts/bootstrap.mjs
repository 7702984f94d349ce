#!/usr/bin/env node
// Makes `npm start` / `npm test` work on a machine with only Node 20 and npm: installs the
// workspace with the pinned pnpm (10.x; pnpm 11 needs Node 22) when node_modules is missing or
// older than the lockfile. Plain JS on purpose: it runs before TypeScript tooling exists.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`dodo-portal needs Node 20.19 or newer; this is ${process.versions.node}.`);
  process.exit(1);
}

const marker = join(root, 'node_modules', '.modules.yaml');
const lockfile = join(root, 'pnpm-lock.yaml');
const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lockfile).mtimeMs;
if (fresh) process.exit(0);

console.log('Installing dependencies with pnpm 10 (first run compiles better-sqlite3, about a minute)…');
const pnpm = pnpmCommand();
const result = spawnSync(pnpm[0], [...pnpm.slice(1), 'install', '--frozen-lockfile'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CI: process.env.CI ?? '' },
});
process.exit(result.status ?? 1);

function pnpmCommand() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim().startsWith('10.')) return ['pnpm'];
  return ['npx', '-y', 'pnpm@10.34.8'];
}
