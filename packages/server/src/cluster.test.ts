/**
 * `dodo-portal serve --workers 3` (src/cluster.ts) as a merchant runs it: the CLI on a PostgreSQL
 * database this test creates and drops, driven over TCP. Which worker holds a connection is read
 * from the OS (the primary's child processes, and the one among them whose file descriptors hold
 * the connection's socket in /proc), so the server exposes nothing new for the test. And on
 * SQLite (always run): the refusal.
 */
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoSeeded } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateRules } from './http/rate-limit.ts';
import { createTestDatabase, exited, kill9, newServerSecret, pgDatabaseUrl, runCliProcess, serve, type ServeProcess, type TestDatabase } from './testing/processes.ts';
import { eventually } from './testing/served.ts';

describe('serve --workers on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dodo-portal-workers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['--workers 3 --db FILE', ['--workers', '3', '--db', join(dir, 'a.db')], {}],
    ['WORKERS=2 with DODO_PORTAL_DB', [], { WORKERS: '2', DODO_PORTAL_DB: join(dir, 'b.db') }],
  ])('%s is refused with exit 2 and one line naming DATABASE_URL, before anything is created', async (_name, args, env) => {
    const done = await runCliProcess(['serve', '--port', '0', ...args], env);
    expect(done.code).toBe(2);
    expect(done.stdout).toBe('');
    expect(done.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(done.stderr).toMatch(/^dodo-portal: --workers \d needs PostgreSQL: SQLite is one writer in one process; set DATABASE_URL=postgres:\/\//);
    expect(readdirSync(dir)).toEqual([]);
  });
});

/** The pids whose parent is `pid` (Linux /proc). */
function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return children.sort((a, b) => a - b);
}

const hexPort = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');

/** Which of `pids` holds the server's end of the loopback connection from `clientPort` to `serverPort`. */
function connectionOwner(serverPort: number, clientPort: number, pids: number[]): number | undefined {
  let inode: string | undefined;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(`:${hexPort(serverPort)}`) && fields[2]?.endsWith(`:${hexPort(clientPort)}`)) inode = fields[9];
  }
  if (!inode) return undefined;
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return pid;
        } catch {
          // Closed meanwhile.
        }
      }
    } catch {
      // Gone.
    }
  }
  return undefined;
}

interface Answer {
  status: number;
  body: string;
  /** The client's port of the connection it came over. */
  localPort: number;
  /** When it ended (Date.now()). */
  at: number;
  error?: string;
}

function send(url: string, options: { method?: string; body?: unknown; token?: string; agent: Agent | false; timeoutMs?: number }): Promise<Answer> {
  return new Promise((resolve) => {
    let localPort = 0;
    const request = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        agent: options.agent,
        headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
      },
      (response) => {
        let body = '';
        response.setEncoding('latin1');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, localPort, at: Date.now() }));
        response.on('error', (error: NodeJS.ErrnoException) => resolve({ status: response.statusCode ?? 0, body, localPort, at: Date.now(), error: error.code ?? error.message }));
      },
    );
    request.on('socket', (socket) => socket.once('connect', () => (localPort = socket.localPort ?? 0)));
    if (options.timeoutMs) request.setTimeout(options.timeoutMs, () => request.destroy(Object.assign(new Error('no answer'), { code: 'TIMEOUT' })));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, body: '', localPort, at: Date.now(), error: error.code ?? error.message }));
    request.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

describe.skipIf(!pgDatabaseUrl || process.platform !== 'linux')('serve --workers 3 on PostgreSQL', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let primary: ServeProcess;
  let port: number;
  let seeded: DemoSeeded;
  /** One kept-alive connection each (an agent of one socket). */
  const connections: Agent[] = [];
  const connection = () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    connections.push(agent);
    return agent;
  };

  beforeAll(async () => {
    database = await createTestDatabase('dodo_workers');
    env = { DATABASE_URL: database.url, DODO_PORTAL_SECRET: newServerSecret() };
    const seed = await runCliProcess(['seed', '--demo', '--json'], env);
    if (seed.code !== 0) throw new Error(`seed exited ${seed.code}: ${seed.stderr}`);
    seeded = DemoSeeded.parse(JSON.parse(seed.stdout));
    primary = await serve(env, ['--workers', '3']);
    port = Number(new URL(primary.url).port);
  }, 120_000);
  afterAll(async () => {
    for (const agent of connections) agent.destroy();
    if (primary) await kill9(primary);
    await database?.drop();
  });

  const workerPids = () => childPids(primary.child.pid!);
  /** Which worker answered on each connection, by the socket's owner in /proc. */
  const owners = (answers: Answer[]) => answers.map((answer) => connectionOwner(port, answer.localPort, workerPids()));

  it('a port already in use: the start stops with the worker’s message and exit 1 (no restart loop)', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const done = await runCliProcess(['serve', '--workers', '2', '--port', String((taken.address() as AddressInfo).port)], { ...env, SCHEDULER_INTERVAL_MS: '0' });
      expect(done.code).toBe(1);
      expect(done.stderr).toContain('is already in use');
      expect(done.stderr).toMatch(/worker \d+ exited \(code 1\) before listening; stopping the others/);
      expect(done.stdout).not.toContain('listening on');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('forks three workers, whose pids the banner names, and connections are spread over them', async () => {
    const pids = workerPids();
    expect(pids).toHaveLength(3);
    expect(primary.output()).toContain(`  workers      3 processes on one port (pids ${[...pids].sort((a, b) => a - b).join(', ')}; primary ${primary.child.pid})`);
    expect(primary.output()).toContain('rate limits  in the database (shared by every process on it)');
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(`${primary.url}/healthz`, { agent: connection() })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const answeredBy = owners(answers);
    for (const pid of answeredBy) expect(pids).toContain(pid);
    console.info(`cluster: 6 connections answered by ${new Set(answeredBy).size} distinct workers (${answeredBy.join(', ')})`);
    expect(new Set(answeredBy).size).toBeGreaterThan(1);
  });

  it('the 6th login for one email is refused whichever worker it reaches: the limit is shared', async () => {
    const email = `workers-${Date.now()}@example.com`;
    const login = (agent: Agent) => send(`${primary.url}/portal/v1/login`, { method: 'POST', agent, body: { business_id: seeded.business_id, email, mode: 'test' } });
    const agents = Array.from({ length: RateRules.loginPerEmail.limit + 1 }, connection);
    const answers: Answer[] = [];
    for (const agent of agents) answers.push(await login(agent));
    const answeredBy = owners(answers);
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202, 429]);
    expect((JSON.parse(answers[5]!.body) as { error: { code: string } }).error.code).toBe('rate_limited');
    // The five counted logins reached more than one worker, so one process's memory could not have refused the 6th.
    expect(new Set(answeredBy.slice(0, 5)).size).toBeGreaterThan(1);
    console.info(`cluster: logins 1–5 answered by workers ${answeredBy.slice(0, 5).join(', ')}; the 6th (429) by ${answeredBy[5]}`);
  });

  it('a worker SIGKILLed is replaced by a new one, and requests are answered throughout', async () => {
    const before = workerPids();
    const victim = before[0]!;
    let polling = true;
    const during: Answer[] = [];
    const poll = (async () => {
      while (polling) {
        during.push(await send(`${primary.url}/healthz`, { agent: false, timeoutMs: 3_000 }));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const killedAt = Date.now();
    process.kill(victim, 'SIGKILL');
    const after = await eventually(
      () => {
        const pids = workerPids();
        return pids.length === 3 && !pids.includes(victim) && primary.output().includes(`in place of worker ${victim}.`) ? pids : undefined;
      },
      30_000,
      'a replacement worker listening',
    );
    const replacedMs = Date.now() - killedAt;
    // A few more over fresh connections, so every worker (the new one too) gets its turn.
    await new Promise((resolve) => setTimeout(resolve, 300));
    polling = false;
    await poll;
    const newcomer = after.find((pid) => !before.includes(pid))!;
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(`${primary.url}/healthz`, { agent: connection() })));
    console.info(`cluster: worker ${victim} SIGKILLed, ${newcomer} listening in its place ${replacedMs} ms later; ${during.length} requests meanwhile`);
    expect(primary.output()).toContain(`worker ${victim} died (signal SIGKILL); starting another in`);
    // One request may be lost with the worker: the one it was answering when killed (reset), or one
    // the primary was handing it at that instant, which node:cluster's round-robin leaves
    // unanswered until the client's timeout. Every other one is answered.
    const lost = during.filter((answer) => answer.status !== 200);
    if (lost.length > 0) console.info(`cluster: lost with the killed worker: ${lost.map((answer) => answer.error ?? answer.status).join(', ')}`);
    expect(lost.length).toBeLessThanOrEqual(1);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(owners(answers)).toContain(newcomer);
  });

  it('SIGTERM to the primary: every request in flight is answered, and it exits 0 within 10 s', async () => {
    const session = await send(`${primary.url}/v1/customers/${seeded.demo_customer_id}/customer-portal/session`, { method: 'POST', token: seeded.api_keys.test, body: {}, agent: false });
    const token = (JSON.parse(session.body) as { session_token: string }).session_token;
    const invoices = JSON.parse((await send(`${primary.url}/portal/v1/invoices`, { token, agent: false })).body) as { items: { invoice_id: string }[] };
    const pdf = `${primary.url}/portal/v1/invoices/${invoices.items[0]!.invoice_id}/pdf`;
    const workers = workerPids();

    const inFlight = Array.from({ length: 12 }, (_, i) => send(i % 2 === 0 ? pdf : `${primary.url}/portal/v1/invoices`, { token, agent: false }));
    // Sent, each on its own connection so they are spread over the workers; the signal follows at once.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const signalledAt = Date.now();
    primary.child.kill('SIGTERM');
    const answers = await Promise.all(inFlight);
    const code = await exited(primary);
    const stoppedMs = Date.now() - signalledAt;
    const late = answers.filter((answer) => answer.at > signalledAt).length;
    console.info(`cluster: primary exited ${code} ${stoppedMs} ms after SIGTERM; of 12 requests sent before it, ${late} were answered after it`);
    expect(late).toBeGreaterThan(0);
    expect(answers.map((answer) => [answer.status, answer.error])).toEqual(answers.map(() => [200, undefined]));
    for (const [i, answer] of answers.entries()) expect(i % 2 === 0 ? answer.body.trimEnd().endsWith('%%EOF') : JSON.parse(answer.body).items.length > 0).toBe(true);
    expect(code).toBe(0);
    expect(stoppedMs).toBeLessThan(10_000);
    expect(primary.output()).toContain('All workers stopped.');
    // No worker outlived its primary.
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });
});
