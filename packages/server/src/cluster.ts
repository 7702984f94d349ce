/**
 * `dodo-portal serve --workers N`: N server processes on one port of one host (node:cluster).
 *
 * The primary serves nothing itself: it forks N workers, each running the ordinary `serve`
 * (src/cli.ts → src/serve.ts) with the same arguments and environment, and hands them the
 * connections on the shared port in turn (cluster's round-robin, the default on Linux). Each
 * worker has its own store pool, scheduler and LISTEN connection, exactly as N separate `serve`
 * processes on one `DATABASE_URL` would: rate limits are counted in the database (or Redis),
 * renewals and webhook attempts are claimed with leases, commits wake every process through
 * NOTIFY. So PostgreSQL only: SQLite is one writer in one process (the CLI refuses it).
 *
 * - The primary prints one banner, the first worker's, with the workers' pids, once all listen.
 * - A worker that exits while the primary is not stopping is replaced, after RESTART_MIN_MS,
 *   doubling for each one in a row that died within STABLE_MS of its start, up to RESTART_MAX_MS.
 *   One that fails before the first round was listening (a port in use, a bad setting) stops the
 *   whole start instead: its error would only repeat.
 * - SIGTERM / SIGINT to the primary: each worker is told to close gracefully (the message below,
 *   not a signal, so a Ctrl-C that reached the whole process group too counts once); every request
 *   in flight is answered (serve.ts `close()`), then the primary exits 0 once all have exited 0.
 *   A second signal, or SHUTDOWN_DEADLINE_MS, kills the workers that are left.
 * - A worker whose primary dies exits at once (node:cluster closes it with the IPC channel).
 *
 * What a SIGKILLed worker takes with it: the requests it was answering (their connections are
 * reset), and — a limit of node:cluster's round-robin — a connection the primary was handing it at
 * that instant, which stays open unanswered until the client (or the proxy) times out; the test
 * (cluster.test.ts) sees at most one such. Round-robin is kept anyway: with SCHED_NONE the kernel
 * gives most connections to one or two processes (Node's documentation).
 */
import cluster, { type Worker } from 'node:cluster';
import { EventEmitter } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SHUTDOWN = 'dodo-portal:shutdown';
const LISTENING = 'dodo-portal:listening';

export const RESTART_MIN_MS = 250;
export const RESTART_MAX_MS = 10_000;
/** A worker that lived this long counts as healthy: the next restart waits RESTART_MIN_MS again. */
export const STABLE_MS = 10_000;
/** serve.ts close() drains for at most ~10 s (accept grace + drain deadline); then the primary kills. */
export const SHUTDOWN_DEADLINE_MS = 30_000;
/** The most workers `--workers` accepts. */
export const MAX_WORKERS = 256;

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'dodo-portal.mjs');

interface ListeningMessage {
  type: typeof LISTENING;
  url: string;
  banner: string;
}

const isMessage = (message: unknown, type: string): boolean => typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

/** Whether this process is a worker of `serve --workers`. */
export const isClusterWorker = (): boolean => cluster.isWorker;

/**
 * In a worker: the signals `serve` stops on — its own SIGINT / SIGTERM and the primary's shutdown
 * message (as SIGTERM) — emitted once. Afterwards the process's signals have their default effect
 * again, as in a single `serve` (a second Ctrl-C ends it at once). Before `serve` listens for them
 * (still starting), the worker just exits.
 */
export function workerSignals(): EventEmitter {
  const emitter = new EventEmitter();
  let fired = false;
  const fire = (signal: 'SIGINT' | 'SIGTERM') => {
    if (fired) return;
    fired = true;
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    if (emitter.listenerCount(signal) === 0) process.exit(0);
    emitter.emit(signal);
  };
  const onInt = () => fire('SIGINT');
  const onTerm = () => fire('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.on('message', (message) => {
    if (isMessage(message, SHUTDOWN)) fire('SIGTERM');
  });
  return emitter;
}

/** In a worker: tells the primary it listens on `url`, with the banner a single `serve` prints. */
export function announceListening(url: string, banner: string): void {
  process.send?.({ type: LISTENING, url, banner } satisfies ListeningMessage);
}

/** In a worker, once its server has closed: leaves the cluster so the process can exit. */
export function leaveCluster(): void {
  if (cluster.isWorker && cluster.worker?.isConnected()) cluster.worker.disconnect();
}

export interface PrimaryOptions {
  workers: number;
  /** The `serve` arguments, given to every worker as they are. */
  args: string[];
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  signals: NodeJS.EventEmitter;
}

const describeExit = (code: number | null, signal: string | null) => (signal ? `signal ${signal}` : `code ${code}`);

/** The primary: forks, watches and stops the workers. Resolves to the exit code. */
export function runPrimary(options: PrimaryOptions): Promise<number> {
  const { workers: count, stdout, stderr, signals } = options;
  cluster.setupPrimary({ exec: bin, args: ['serve', ...options.args], execArgv: process.execArgv });

  interface Slot {
    worker?: Worker;
    startedAt: number;
    failures: number;
    listening: boolean;
    replacing?: number;
    restart?: NodeJS.Timeout;
  }
  const slots: Slot[] = [];
  let started = false;
  let stopping = false;
  let firstBanner: string | undefined;
  let exitCode = 0;

  return new Promise<number>((resolve) => {
    const alive = () => slots.filter((slot) => slot.worker && slot.worker.process.exitCode === null && slot.worker.process.signalCode === null);
    const finishIfDone = () => {
      if (stopping && alive().length === 0 && slots.every((slot) => !slot.restart)) {
        signals.off('SIGINT', onInt);
        signals.off('SIGTERM', onTerm);
        clearTimeout(deadline);
        if (exitCode === 0) stderr('All workers stopped.\n');
        resolve(exitCode);
      }
    };
    let deadline: NodeJS.Timeout | undefined;

    const fork = (slot: Slot) => {
      slot.restart = undefined;
      slot.startedAt = Date.now();
      slot.listening = false;
      const worker = cluster.fork(options.env);
      slot.worker = worker;
      worker.on('message', (message: unknown) => {
        if (!isMessage(message, LISTENING)) return;
        slot.listening = true;
        if (!started) {
          firstBanner ??= (message as ListeningMessage).banner;
          if (slots.every((s) => s.listening)) {
            started = true;
            const pids = slots.map((s) => s.worker!.process.pid).join(', ');
            const [first, ...rest] = firstBanner.split('\n');
            stdout([first, `  workers      ${count} processes on one port (pids ${pids}; primary ${process.pid})`, ...rest].join('\n'));
          }
        } else if (slot.replacing !== undefined) {
          stderr(`dodo-portal: worker ${worker.process.pid} is listening in place of worker ${slot.replacing}.\n`);
          slot.replacing = undefined;
        }
      });
      worker.once('exit', (code, signal) => {
        const pid = worker.process.pid;
        if (stopping) {
          if (code !== 0) {
            exitCode = 1;
            stderr(`dodo-portal: worker ${pid} stopped with ${describeExit(code, signal)}.\n`);
          }
          return finishIfDone();
        }
        if (!started) {
          // A start that fails would fail again (a port in use, a bad setting): stop them all.
          stderr(`dodo-portal: worker ${pid} exited (${describeExit(code, signal)}) before listening; stopping the others.\n`);
          exitCode = typeof code === 'number' && code !== 0 ? code : 1;
          return shutdown();
        }
        slot.failures = Date.now() - slot.startedAt < STABLE_MS ? slot.failures + 1 : 0;
        const delay = Math.min(RESTART_MIN_MS * 2 ** Math.max(0, slot.failures - 1), RESTART_MAX_MS);
        slot.replacing = pid;
        stderr(`dodo-portal: worker ${pid} died (${describeExit(code, signal)}); starting another in ${delay} ms.\n`);
        slot.restart = setTimeout(() => fork(slot), delay);
      });
    };

    const shutdown = () => {
      if (stopping) return;
      stopping = true;
      for (const slot of slots) {
        clearTimeout(slot.restart);
        slot.restart = undefined;
      }
      for (const slot of alive()) {
        const worker = slot.worker!;
        if (worker.isConnected()) worker.send({ type: SHUTDOWN });
        else worker.process.kill('SIGTERM');
      }
      deadline = setTimeout(() => {
        stderr(`dodo-portal: workers still running after ${SHUTDOWN_DEADLINE_MS} ms; killing them.\n`);
        killAll();
      }, SHUTDOWN_DEADLINE_MS);
      deadline.unref();
      finishIfDone();
    };
    const killAll = () => {
      exitCode = 1;
      for (const slot of alive()) slot.worker!.process.kill('SIGKILL');
    };

    let signalled = false;
    const onSignal = (signal: string) => {
      if (signalled) {
        stderr(`\nReceived ${signal} again: killing the workers.\n`);
        return killAll();
      }
      signalled = true;
      stderr(`\nReceived ${signal}, stopping ${alive().length} workers gracefully…\n`);
      shutdown();
    };
    const onInt = () => onSignal('SIGINT');
    const onTerm = () => onSignal('SIGTERM');
    signals.on('SIGINT', onInt);
    signals.on('SIGTERM', onTerm);

    for (let i = 0; i < count; i += 1) {
      const slot: Slot = { startedAt: Date.now(), failures: 0, listening: false };
      slots.push(slot);
      fork(slot);
    }
  });
}
