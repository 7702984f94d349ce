/** Process helpers for the repo scripts (start, test): run a command, find pnpm, pick a free port. */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** pnpm 10 from PATH when present, else through npx (a fresh machine has only npm). */
export function pnpm(): string[] {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim().startsWith('10.')) return ['pnpm'];
  return ['npx', '-y', 'pnpm@10.34.8'];
}

/** Runs a command to completion with inherited output; resolves with its exit code. */
export function run(command: string[], options: SpawnOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = command;
    const child = spawn(file!, args, { cwd: repoRoot, stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs a command and returns its stdout; throws with stderr on failure. */
export function capture(command: string[], options: SpawnOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = command;
    const child = spawn(file!, args, { cwd: repoRoot, ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    child.stderr!.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command.join(' ')} exited ${code}\n${err}`))));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts a long-running child and resolves once a line of its output matches `ready`. */
export function startService(name: string, command: string[], ready: RegExp, options: SpawnOptions & { quiet?: boolean; timeoutMs?: number } = {}): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = command;
    const child = spawn(file!, args, { cwd: repoRoot, ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${name} did not become ready within ${options.timeoutMs ?? 30_000} ms`));
    }, options.timeoutMs ?? 30_000);
    let seen = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      if (!options.quiet) process.stdout.write(text.replace(/^(?=.)/gm, `[${name}] `));
      seen += text;
      if (ready.test(seen)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      if (!options.quiet) process.stderr.write(chunk.toString().replace(/^(?=.)/gm, `[${name}] `));
      seen += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${seen}`));
    });
  });
}

/**
 * The portal server's default port and origin: what `npm start` and `dodo-portal serve` use
 * without `PORT`, and what the examples name until told otherwise (merchant-node reads
 * `DODO_PORTAL_URL`, vite-npm and react `VITE_DODO_PORTAL_URL`; the script-tag HTML has it
 * written in, replaced by whoever serves it).
 */
export const DEFAULT_PORTAL_PORT = 8787;
export const DEFAULT_PORTAL_ORIGIN = `http://127.0.0.1:${DEFAULT_PORTAL_PORT}`;
