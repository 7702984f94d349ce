/**
 * The node processes a benchmark starts (a `dodo-portal serve`, the Hono hello, the CLI), for
 * bench.ts and load.ts alike. Every process started here is in `children` until it is stopped, so
 * a run that fails part-way can stop what is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export const children = new Set<ChildProcess>();

/** Runs a node process and resolves with the URL it prints ("listening on http://…"). */
export function start(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        // Keep draining: a full pipe would block the server's logging.
        child.stdout!.removeAllListeners('data').resume();
        resolve({ child, url: match[1]! });
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before listening:\n${output}`)));
  });
}

/** SIGINT (the CLI shuts down cleanly, and --cpu-prof writes its profile on a clean exit); SIGKILL after 10 s. */
export function stop(child: ChildProcess): Promise<void> {
  children.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/** Runs a node process to completion; resolves with its stdout, rejects on a non-zero exit. */
export function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => {
      children.delete(child);
      if (code === 0) resolve(output);
      else reject(new Error(`${args.join(' ')} exited with ${code}`));
    }),
  );
}

/**
 * CPU seconds a process has used (Linux /proc; undefined elsewhere). Per request, it is the figure
 * the other load on a shared machine moves least.
 */
export function cpuSeconds(pid: number | undefined): number | undefined {
  const file = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(file)) return undefined;
  // Fields after the ")" that ends the command name: utime and stime are the 12th and 13th.
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
