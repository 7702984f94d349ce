/**
 * The `dodo-portal` command: serve, migrate, backup, restore, business create, seed. Output meant for scripts
 * (`--json`) is one JSON document on stdout; everything for people goes to stderr or plain text.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { BusinessCreated, InvitePrinted, OutboxMail } from '@dodo-portal/wire/schemas';
import { DomainError, notFound } from './domain/errors.ts';
import type { Store } from './store/index.ts';

// The database drivers, pdfkit and the app load lazily: `--help` and flag errors answer at once.
const storeModule = () => import('./store/index.ts');

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Where a progress bar may redraw itself: given only when stderr is a TTY (silent otherwise). */
  progress?: (text: string) => void;
}

const MAIN_HELP = `Usage: dodo-portal <command> [options]

Commands:
  serve              Run the portal server (merchant API, portal API, hosted page, CDN script)
  migrate            Create or upgrade the database schema
  backup --to FILE   Copy the database to FILE while the server runs (SQLite; PostgreSQL via pg_dump)
  restore --from FILE  Restore a backup into an empty database, check it and migrate it
  business create    Create a business and print its secret API keys (shown once)
  seed --demo        Create a demo business with customers and invoices (test mode)
  invite             Print a customer's static login link and a fresh one-time magic link
  outbox             List test-mode emails kept because no SMTP_URL is set (newest first)

Database: --db FILE (SQLite), else DATABASE_URL=postgres://…, else DODO_PORTAL_DB, else ./data/dodo-portal.db.
Run "dodo-portal <command> --help" for a command's options.
`;

const SERVE_HELP = `Usage: dodo-portal serve [--port 8787] [--host 127.0.0.1] [--db FILE] [--workers N]

  --port N       Port to listen on (env PORT; default 8787; 0 picks a free port)
  --host HOST    Interface to bind (env HOST; default 127.0.0.1)
  --db FILE      SQLite database file (env DODO_PORTAL_DB; DATABASE_URL selects PostgreSQL)
  --workers N    Server processes sharing the port, for a host with several cores (env WORKERS;
                 default 1). N > 1 needs DATABASE_URL (PostgreSQL): SQLite is one writer in one
                 process. A worker that dies is restarted; SIGTERM / SIGINT stops them all gracefully.
  -h, --help     Show this help

Env PUBLIC_URL sets the origin used in portal links (default http://HOST:PORT).
Env SMTP_URL (e.g. smtp://127.0.0.1:2525) and MAIL_FROM enable email (portal links, sign-in
links). Without SMTP_URL, test-mode email goes to the outbox ("dodo-portal outbox") and the
server log, and live-mode requests that need email answer 503 email_not_configured.
Env TRUST_PROXY=1 takes the client IP for rate limits from X-Forwarded-For.
Rate limits are counted in process with SQLite, in the database with DATABASE_URL (shared by
every process on it, --workers too), or in Redis with env REDIS_URL (e.g. redis://127.0.0.1:6379).
Env DODO_PORTAL_SECRET (≥ 32 characters) encrypts license keys and webhook secrets at rest. Unset, with a SQLite
file, one is generated into dodo-portal.secret beside the database (mode 0600) and reused;
with DATABASE_URL it is required. Keep it: without it the license keys and webhook secrets cannot be read.
Env SCHEDULER_INTERVAL_MS sets how often renewals and webhook deliveries run (default 30000;
0 turns the scheduler off, e.g. when another process runs it — running several is safe too).
Env IDEMPOTENCY_LEASE_MS sets how long an unanswered Idempotency-Key is held before a retry takes
it over as the request of a dead process (default 600000, 10 minutes; never set it below your
slowest charge: a retry may then reconcile a charge that is still in flight).
Env RECONCILE_GRACE_MS (default 600000) is how long a charge or refund may stay unanswered (its
process died) before the reconciler settles it with the processor, e.g. a renewal's; the same
caution holds.
With DATABASE_URL every process LISTENs for the others' commits and posts their webhooks at once.
Env WEBHOOK_LEASE_MS (default 60000) is how long a process that started a webhook attempt holds
it before another may retry it (the first died); the attempt times out within half of it.
Env WEBHOOK_RETRY_SCHEDULE_MS sets the delays between the attempts of a webhook, comma-separated
milliseconds, each from 100 (default 5000,300000,1800000,7200000,18000000,36000000,36000000:
5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); after the last the delivery is failed. Retries are
made on the scheduler's tick, so one comes at most SCHEDULER_INTERVAL_MS after it is due.
Stops gracefully on SIGINT / SIGTERM.
`;

/** `IDEMPOTENCY_LEASE_MS`: unset → the default lease (10 minutes). */
function idempotencyLeaseFromEnv(value: string | undefined): { idempotencyLeaseMs?: number } {
  if (value === undefined || value.trim() === '') return {};
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100) throw new UsageError(`IDEMPOTENCY_LEASE_MS must be a whole number of milliseconds from 100, got "${value}"`);
  return { idempotencyLeaseMs: ms };
}

/** `SCHEDULER_INTERVAL_MS`: unset → the default interval, 0 → off. */
function schedulerFromEnv(value: string | undefined): { intervalMs?: number } | false {
  if (value === undefined || value.trim() === '') return {};
  const intervalMs = Number(value);
  if (!Number.isInteger(intervalMs) || intervalMs < 0 || (intervalMs > 0 && intervalMs < 10)) {
    throw new UsageError(`SCHEDULER_INTERVAL_MS must be 0 (off) or a whole number of milliseconds from 10, got "${value}"`);
  }
  return intervalMs === 0 ? false : { intervalMs };
}

/** `RECONCILE_GRACE_MS`: unset → the default grace (10 minutes). */
function reconcileGraceFromEnv(value: string | undefined): { reconcileGraceMs?: number } {
  if (value === undefined || value.trim() === '') return {};
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1000) throw new UsageError(`RECONCILE_GRACE_MS must be a whole number of milliseconds from 1000, got "${value}"`);
  return { reconcileGraceMs: ms };
}

/** `WEBHOOK_LEASE_MS`: unset → the default lease. */
function webhookLeaseFromEnv(value: string | undefined): { webhookLeaseMs?: number } {
  if (value === undefined || value.trim() === '') return {};
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1000) throw new UsageError(`WEBHOOK_LEASE_MS must be a whole number of milliseconds from 1000, got "${value}"`);
  return { webhookLeaseMs: ms };
}

/** The shortest webhook retry delay `WEBHOOK_RETRY_SCHEDULE_MS` may name: anything faster is a load test on the receiver. */
const MIN_RETRY_DELAY_MS = 100;
/** The most retries `WEBHOOK_RETRY_SCHEDULE_MS` may name. */
const MAX_RETRIES = 50;

/**
 * `WEBHOOK_RETRY_SCHEDULE_MS`: comma-separated delays in milliseconds, e.g. `1000,2000,4000`
 * (three retries, then the delivery is failed). Unset or blank → the default schedule.
 */
export function webhookRetryScheduleFromEnv(value: string | undefined): { webhookRetryScheduleMs?: number[] } {
  if (value === undefined || value.trim() === '') return {};
  const expected = `WEBHOOK_RETRY_SCHEDULE_MS must be comma-separated whole numbers of milliseconds, each from ${MIN_RETRY_DELAY_MS}, at most ${MAX_RETRIES} of them (e.g. "1000,2000,4000")`;
  const items = value.split(',').map((item) => item.trim());
  if (items.length > MAX_RETRIES) throw new UsageError(`${expected}, got ${items.length}`);
  const delays = items.map((item) => (/^\d+$/.test(item) ? Number(item) : NaN));
  const bad = delays.findIndex((ms) => !Number.isSafeInteger(ms) || ms < MIN_RETRY_DELAY_MS);
  if (bad >= 0) throw new UsageError(`${expected}, got "${value}" (delay ${bad + 1} is "${items[bad]}")`);
  return { webhookRetryScheduleMs: delays };
}

const MIGRATE_HELP = `Usage: dodo-portal migrate [--db FILE]

Applies pending migrations and exits.

  --db FILE      SQLite database file (env DODO_PORTAL_DB; DATABASE_URL selects PostgreSQL)
  -h, --help     Show this help
`;

const BACKUP_HELP = `Usage: dodo-portal backup --to FILE [--force] [--db FILE] [--json]

Copies the database to FILE while the server keeps running. The copy holds everything committed
before the backup began. SQLite: the online backup API (no need to stop the server). PostgreSQL
(DATABASE_URL): runs pg_dump --format=custom, which must be on PATH (the client tools of the
server's major version); restore such a file with "dodo-portal restore" or pg_restore.
The server secret is not in the backup: keep it (or dodo-portal.secret) separately.

  --to FILE      Where to write the backup (refused if it exists, unless --force)
  --force        Replace FILE
  --db FILE      SQLite database file (env DODO_PORTAL_DB; DATABASE_URL selects PostgreSQL)
  --json         Print {"from","to","bytes"} as JSON
  -h, --help     Show this help
`;

const RESTORE_HELP = `Usage: dodo-portal restore --from FILE [--force] [--db FILE] [--json]

Restores a backup made by "dodo-portal backup" into the database named by --db / DATABASE_URL /
DODO_PORTAL_DB, checks it (SQLite: integrity_check and foreign_key_check; PostgreSQL: pg_restore
re-adds every constraint) and applies pending migrations. Refuses a database that already holds
data unless --force (stop the server first). PostgreSQL needs pg_restore on PATH.
Serve the result with the DODO_PORTAL_SECRET (or dodo-portal.secret) of the backed-up server.

  --from FILE    The backup to restore
  --force        Replace the data already in the target database
  --db FILE      SQLite database file (env DODO_PORTAL_DB; DATABASE_URL selects PostgreSQL)
  --json         Print {"location","counts","migrated","integrity"} as JSON
  -h, --help     Show this help
`;

const BUSINESS_HELP = `Usage: dodo-portal business create --name NAME [--allowed-origin URL …] [--return-url URL] [--db FILE] [--json]

Creates a business with one test and one live secret key. The keys are printed once and only
their hashes are stored: keep them now.

  --name NAME            Business name (required)
  --allowed-origin URL   Origin allowed to embed the portal (repeatable), e.g. https://app.example.com
  --return-url URL       Default "back to …" link of portal sessions
  --db FILE              SQLite database file
  --json                 Print {"business_id","api_keys":{"test","live"}} as JSON
  -h, --help             Show this help
`;

const SEED_HELP = `Usage: dodo-portal seed --demo [--allowed-origin URL …] [--db FILE] [--json]
       dodo-portal seed --customers N --invoices-per-customer M [--businesses B] [--db FILE] [--json]

--demo creates the "Acme Cloud" demo business (test mode): three customers, one with 25 invoices
over eight months. Allowed origins: http://localhost:3000, http://127.0.0.1:3000 and any --allowed-origin.

--customers fills the store in bulk (test mode): B businesses (default 3) with a catalog and API
keys, N customers with a monthly subscription each, M invoices per customer with payments, some
refunds and license keys. A progress bar shows on a TTY; --json prints the keys and counts.

  --demo                      Seed the demo data set
  --allowed-origin URL        Extra allowed origin (repeatable, --demo only)
  --customers N               Bulk: customers to create
  --invoices-per-customer M   Bulk: invoices per customer (default 10)
  --businesses B              Bulk: businesses the customers are spread over (default 3)
  --db FILE                   SQLite database file (else DATABASE_URL, DODO_PORTAL_DB)
  --json                      Print the result as JSON
  -h, --help                  Show this help
`;

const INVITE_HELP = `Usage: dodo-portal invite --customer ID [--json] [--db FILE]

Prints the customer's static login link (never expires; /login/{business_id} in live mode,
/test/login/{business_id} in test mode, from the customer's mode) and a fresh one-time magic
link (valid 24 hours), as the merchant's "Share invite".

  --customer ID          The customer (cus_…)
  --json                 Print {"static_link","dynamic_link","dynamic_link_expires_at","customer_id","business_id","mode"}
  --db FILE              SQLite database file
  -h, --help             Show this help

Env PUBLIC_URL sets the links' origin (default http://127.0.0.1:8787).
`;

const OUTBOX_HELP = `Usage: dodo-portal outbox [--limit N] [--json] [--db FILE]

Lists the test-mode emails the server kept instead of sending because SMTP_URL is not set,
newest first: recipient, subject, time and plain-text body (with its sign-in link). A
development aid: live-mode mail is never kept, and mail sent over SMTP is not stored.

  --limit N              How many to show (default 10, at most 1000)
  --json                 Print a JSON array of {"id","to","subject","created_at","text"}
  --db FILE              SQLite database file
  -h, --help             Show this help
`;

const dbOption = { db: { type: 'string' } } as const;
const helpOption = { help: { type: 'boolean', short: 'h' } } as const;

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function withStore<T>(io: CliIo, db: string | undefined, run: (store: Store) => Promise<T>): Promise<T> {
  const { openStore, storeOptionsFromEnv } = await storeModule();
  const store = await openStore(storeOptionsFromEnv(io.env, db));
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

/** A URL for the banner: its password never reaches a log. */
const withoutPassword = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:…@');

/** `--workers` / `WORKERS`: unset → 1 (one process). */
function parseWorkers(value: string | undefined, max: number): number {
  if (value === undefined || value.trim() === '') return 1;
  const workers = Number(value);
  if (!/^\d+$/.test(value) || workers < 1 || workers > max) throw new UsageError(`--workers must be an integer from 1 to ${max}, got "${value}"`);
  return workers;
}

function parsePort(value: string | undefined): number {
  const port = Number(value);
  if (!/^\d+$/.test(value ?? '') || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${value}"`);
  }
  return port;
}

/** Runs one CLI invocation. Resolves to the exit code; `serve` resolves when the server stops. */
export async function runCli(argv: string[], io: CliIo, signals: NodeJS.EventEmitter = process): Promise<number> {
  try {
    return await runCommand(argv, io, signals);
  } finally {
    // A worker of `serve --workers` is kept alive by its channel to the primary: however its
    // serve ended (stopped, or failed to start), it leaves so the process exits with the code.
    if (argv[0] === 'serve') (await import('./cluster.ts')).leaveCluster();
  }
}

async function runCommand(argv: string[], io: CliIo, signals: NodeJS.EventEmitter): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(MAIN_HELP);
        return command === undefined ? 1 : 0;

      case 'serve': {
        const values = parse(rest, { port: { type: 'string' }, host: { type: 'string' }, workers: { type: 'string' }, ...dbOption, ...helpOption });
        if (values.help) return (io.stdout(SERVE_HELP), 0);
        const port = parsePort(values.port ?? io.env.PORT ?? '8787');
        const host = values.host ?? io.env.HOST ?? '127.0.0.1';
        // The knobs are read before anything is opened or written: a bad one stops here, with its name.
        const knobs = {
          scheduler: schedulerFromEnv(io.env.SCHEDULER_INTERVAL_MS),
          ...idempotencyLeaseFromEnv(io.env.IDEMPOTENCY_LEASE_MS),
          ...webhookLeaseFromEnv(io.env.WEBHOOK_LEASE_MS),
          ...webhookRetryScheduleFromEnv(io.env.WEBHOOK_RETRY_SCHEDULE_MS),
          ...reconcileGraceFromEnv(io.env.RECONCILE_GRACE_MS),
        };
        const clusterModule = await import('./cluster.ts');
        const workers = parseWorkers(values.workers ?? io.env.WORKERS, clusterModule.MAX_WORKERS);
        const inWorker = clusterModule.isClusterWorker();
        const [{ startServer }, { storeOptionsFromEnv }, { mailerFromEnv }] = await Promise.all([import('./serve.ts'), storeModule(), import('./mail/mailer.ts')]);
        const storeOptions = storeOptionsFromEnv(io.env, values.db);
        const { resolveServerSecret } = await import('./secret-file.ts');
        if (workers > 1 && !inWorker) {
          if (!storeOptions.databaseUrl) {
            io.stderr(`dodo-portal: --workers ${workers} needs PostgreSQL: SQLite is one writer in one process; set DATABASE_URL=postgres://… (or serve without --workers).\n`);
            return 2;
          }
          // A missing or short DODO_PORTAL_SECRET is said once here, not by every worker.
          resolveServerSecret(io.env, storeOptions);
          return await clusterModule.runPrimary({ workers, args: rest, env: io.env, stdout: io.stdout, stderr: io.stderr, signals });
        }
        const mailer = mailerFromEnv(io.env);
        const serverSecret = resolveServerSecret(io.env, storeOptions);
        // A worker of `serve --workers` stops on its primary's word too, and leaves its banner to it.
        const stopSignals = inWorker ? clusterModule.workerSignals() : signals;
        const server = await startServer({
          port,
          host,
          secret: serverSecret.secret,
          ...(io.env.PUBLIC_URL ? { publicUrl: io.env.PUBLIC_URL } : {}),
          ...(mailer ? { mailer } : {}),
          trustProxy: io.env.TRUST_PROXY === '1' || io.env.TRUST_PROXY === 'true',
          storeOptions,
          ...knobs,
          ...(io.env.REDIS_URL ? { redisUrl: io.env.REDIS_URL } : {}),
        });
        const publicUrl = (io.env.PUBLIC_URL || server.url).replace(/\/+$/, '');
        const banner =
          `dodo-portal listening on ${server.url}\n` +
          `  database     ${server.store.location}${server.store.created ? ' (new and empty: there was no database file)' : ''}\n` +
          `  secret       ${serverSecret.source}\n` +
          `  rate limits  ${io.env.REDIS_URL ? `Redis ${withoutPassword(io.env.REDIS_URL)}` : server.store.dialect === 'postgres' ? 'in the database (shared by every process on it)' : 'in process'}\n` +
          `  hosted page  ${publicUrl}/portal#token=<session_token>\n` +
          `  CDN script   ${publicUrl}/dodo-portal.js\n` +
          `  email        ${mailer ? `SMTP ${mailer.describe}` : 'test mode: outbox ("dodo-portal outbox") and log; live mode: disabled (set SMTP_URL)'}\n`;
        if (inWorker) clusterModule.announceListening(server.url, banner);
        else io.stdout(banner);
        const { closed } = await new Promise<{ closed: Promise<void> }>((resolve) => {
          const stop = (signal: string) => {
            stopSignals.off('SIGINT', onInt);
            stopSignals.off('SIGTERM', onTerm);
            io.stderr(`\nReceived ${signal}, shutting down…\n`);
            // Requests in flight finish first (serve.ts); once this line is printed a new connection is refused.
            const closing = server.close({ onStopListening: () => io.stderr('Stopped accepting connections.\n') });
            resolve({ closed: closing });
          };
          const onInt = () => stop('SIGINT');
          const onTerm = () => stop('SIGTERM');
          stopSignals.on('SIGINT', onInt);
          stopSignals.on('SIGTERM', onTerm);
        });
        await closed;
        mailer?.close();
        return 0;
      }

      case 'migrate': {
        const values = parse(rest, { ...dbOption, ...helpOption });
        if (values.help) return (io.stdout(MIGRATE_HELP), 0);
        // openStore already migrates; report what it did by migrating without auto-migration first.
        const { migrate, openStore, storeOptionsFromEnv } = await storeModule();
        const options = { ...storeOptionsFromEnv(io.env, values.db), migrate: false };
        const store = await openStore(options);
        try {
          const { applied } = await migrate(store);
          io.stdout(applied.length ? `Applied ${applied.join(', ')} to ${store.location}\n` : `${store.location} is up to date.\n`);
        } finally {
          await store.close();
        }
        return 0;
      }

      case 'backup': {
        const values = parse(rest, { to: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' }, ...dbOption, ...helpOption });
        if (values.help) return (io.stdout(BACKUP_HELP), 0);
        if (!values.to) throw new UsageError('--to FILE is required');
        const [{ backupStore }, { storeOptionsFromEnv }] = await Promise.all([import('./store/backup.ts'), storeModule()]);
        const done = await backupStore(storeOptionsFromEnv(io.env, values.db), values.to, { force: values.force ?? false });
        io.stdout(values.json ? `${JSON.stringify(done)}\n` : `Backed up ${done.from} to ${done.to} (${done.bytes} bytes)\n`);
        return 0;
      }

      case 'restore': {
        const values = parse(rest, { from: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' }, ...dbOption, ...helpOption });
        if (values.help) return (io.stdout(RESTORE_HELP), 0);
        if (!values.from) throw new UsageError('--from FILE is required');
        const [{ restoreStore }, { storeOptionsFromEnv }] = await Promise.all([import('./store/backup.ts'), storeModule()]);
        const report = await restoreStore(storeOptionsFromEnv(io.env, values.db), values.from, { force: values.force ?? false });
        if (values.json) io.stdout(`${JSON.stringify(report)}\n`);
        else {
          const { counts } = report;
          io.stdout(
            `Restored ${values.from} into ${report.location}: integrity ${report.integrity}, ${report.migrated.length ? `applied ${report.migrated.join(', ')}` : 'schema up to date'}\n` +
              `  ${counts.businesses} businesses, ${counts.customers} customers, ${counts.invoices} invoices, ${counts.payments} payments, ${counts.license_keys} license keys\n` +
              `Serve it with the server secret of the backed-up server (DODO_PORTAL_SECRET or dodo-portal.secret).\n`,
          );
        }
        return 0;
      }

      case 'business': {
        const [sub, ...args] = rest;
        if (sub === '-h' || sub === '--help') return (io.stdout(BUSINESS_HELP), 0);
        if (sub !== 'create') throw new UsageError(`unknown subcommand "business ${sub ?? ''}"; did you mean "business create"?`);
        const values = parse(args, {
          name: { type: 'string' },
          'allowed-origin': { type: 'string', multiple: true },
          'return-url': { type: 'string' },
          json: { type: 'boolean' },
          ...dbOption,
          ...helpOption,
        });
        if (values.help) return (io.stdout(BUSINESS_HELP), 0);
        if (!values.name) throw new UsageError('--name is required');
        const name = values.name;
        const [{ createBusiness }, { serviceContext }] = await Promise.all([import('./services/businesses.ts'), import('./runtime.ts')]);
        const created = await withStore(io, values.db, (store) =>
          createBusiness(serviceContext(store), {
            name,
            allowedOrigins: values['allowed-origin'] ?? [],
            returnUrl: values['return-url'] ?? null,
          }),
        );
        const output: BusinessCreated = { business_id: created.business.id, api_keys: created.apiKeys };
        if (values.json) io.stdout(`${JSON.stringify(output)}\n`);
        else {
          io.stdout(
            `Created business ${created.business.name} (${output.business_id})\n` +
              `  test key  ${output.api_keys.test}\n` +
              `  live key  ${output.api_keys.live}\n` +
              `  allowed origins  ${created.business.allowed_origins.join(', ') || '(none)'}\n` +
              `Store the keys now: they are not shown again.\n`,
          );
        }
        return 0;
      }

      case 'seed': {
        const values = parse(rest, {
          demo: { type: 'boolean' },
          customers: { type: 'string' },
          'invoices-per-customer': { type: 'string' },
          businesses: { type: 'string' },
          'allowed-origin': { type: 'string', multiple: true },
          json: { type: 'boolean' },
          ...dbOption,
          ...helpOption,
        });
        if (values.help) return (io.stdout(SEED_HELP), 0);
        if (values.customers !== undefined) {
          if (values.demo) throw new UsageError('give --demo or --customers, not both');
          const count = (flag: string, value: string | undefined, fallback: number, max: number) => {
            if (value === undefined) return fallback;
            if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new UsageError(`${flag} must be an integer from 1 to ${max}, got "${value}"`);
            return Number(value);
          };
          const customers = count('--customers', values.customers, 0, 10_000_000);
          const invoicesPerCustomer = count('--invoices-per-customer', values['invoices-per-customer'], 10, 10_000);
          const businesses = count('--businesses', values.businesses, 3, 1_000);
          const [{ seedBulk }, { progressBar }, { resolveServerSecret }, { storeOptionsFromEnv }] = await Promise.all([
            import('./seed-bulk.ts'),
            import('./progress.ts'),
            import('./secret-file.ts'),
            storeModule(),
          ]);
          const { secret } = resolveServerSecret(io.env, storeOptionsFromEnv(io.env, values.db));
          const bar = progressBar(io.progress, 'invoices');
          const summary = await withStore(io, values.db, (store) => seedBulk(store, { customers, invoicesPerCustomer, businesses, secret, onProgress: bar.update })).finally(bar.done);
          if (values.json) io.stdout(`${JSON.stringify(summary)}\n`);
          else {
            io.stdout(
              `Seeded ${summary.counts.invoices} invoices for ${summary.counts.customers} customers in ${summary.seconds} s (test mode)\n` +
                summary.businesses.map((b) => `  business  ${b.business_id}  ${b.name}  test key ${b.api_keys.test}\n`).join(''),
            );
          }
          return 0;
        }
        if (!values.demo) throw new UsageError('seed needs --demo or --customers N');
        const [{ seedDemo }, { resolveServerSecret }, { storeOptionsFromEnv }] = await Promise.all([import('./seed.ts'), import('./secret-file.ts'), storeModule()]);
        // The demo's license keys are sealed under the secret `serve` will use on this database.
        const { secret } = resolveServerSecret(io.env, storeOptionsFromEnv(io.env, values.db));
        const seeded = await withStore(io, values.db, (store) =>
          seedDemo(store, { allowedOrigins: values['allowed-origin'] ?? [], secret, ...(io.env.PUBLIC_URL ? { publicUrl: io.env.PUBLIC_URL } : {}) }),
        );
        if (values.json) io.stdout(`${JSON.stringify(seeded)}\n`);
        else {
          io.stdout(
            `Seeded demo business ${seeded.business_id} with ${seeded.invoice_count} invoices (test mode)\n` +
              `  test key  ${seeded.api_keys.test}\n` +
              `  live key  ${seeded.api_keys.live}\n` +
              seeded.customers.map((c) => `  customer  ${c.customer_id}  ${c.name} <${c.email}>\n`).join('') +
              `Demo customer: ${seeded.demo_customer_id}\n`,
          );
        }
        return 0;
      }

      case 'invite': {
        const values = parse(rest, { customer: { type: 'string' }, json: { type: 'boolean' }, ...dbOption, ...helpOption });
        if (values.help) return (io.stdout(INVITE_HELP), 0);
        if (!values.customer) throw new UsageError('--customer is required');
        const customerId = values.customer;
        const [{ createInvite }, { serviceContext }, { findCustomerContactById }] = await Promise.all([
          import('./services/portal-access.ts'),
          import('./runtime.ts'),
          import('./store/portal-access.ts'),
        ]);
        const publicUrl = (io.env.PUBLIC_URL || 'http://127.0.0.1:8787').replace(/\/+$/, '');
        const printed: InvitePrinted = await withStore(io, values.db, async (store) => {
          const customer = await findCustomerContactById(store.db, customerId);
          if (!customer) throw notFound(`No customer ${customerId} in this database.`);
          const invite = await createInvite({ ...serviceContext(store), publicUrl }, customer);
          return { ...invite, customer_id: customer.customer_id, business_id: customer.business_id, mode: customer.mode };
        });
        if (values.json) io.stdout(`${JSON.stringify(printed)}\n`);
        else {
          io.stdout(
            `Invite for ${printed.customer_id} (${printed.mode} mode)\n` +
              `  static link   ${printed.static_link}   (never expires: the customer signs in by email)\n` +
              `  magic link    ${printed.dynamic_link}\n` +
              `                one-time, expires ${printed.dynamic_link_expires_at}\n`,
          );
        }
        return 0;
      }

      case 'outbox': {
        const values = parse(rest, { limit: { type: 'string' }, json: { type: 'boolean' }, ...dbOption, ...helpOption });
        if (values.help) return (io.stdout(OUTBOX_HELP), 0);
        const limit = Number(values.limit ?? '10');
        if (!/^\d+$/.test(values.limit ?? '10') || limit < 1 || limit > 1000) throw new UsageError(`--limit must be an integer from 1 to 1000, got "${values.limit}"`);
        const { listOutboxMail } = await import('./store/outbox.ts');
        const mails: OutboxMail[] = (await withStore(io, values.db, (store) => listOutboxMail(store.db, limit))).map((row) => ({
          id: row.id,
          to: row.to_address,
          subject: row.subject,
          created_at: row.created_at,
          text: row.text_body,
        }));
        if (values.json) io.stdout(`${JSON.stringify(mails)}\n`);
        else if (mails.length === 0) io.stdout('The outbox is empty (test-mode email is kept here only while SMTP_URL is not set).\n');
        else {
          io.stdout(mails.map((mail) => `To:      ${mail.to}\nSubject: ${mail.subject}\nDate:    ${mail.created_at}\n\n${mail.text.replace(/\n+$/, '')}\n`).join(`\n${'-'.repeat(72)}\n\n`));
        }
        return 0;
      }

      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`dodo-portal: ${error.message}\nRun "dodo-portal --help" for usage.\n`);
      return 2;
    }
    if (error instanceof DomainError || (error instanceof Error && (error.name === 'ServerSecretError' || error.name === 'BackupError'))) {
      io.stderr(`dodo-portal: ${error.message}\n`);
      return 1;
    }
    if (isAddressInUse(error)) {
      io.stderr(
        `dodo-portal: port ${error.port ?? '?'} on ${error.address ?? 'this host'} is already in use (another dodo-portal or another program).\nStop it, or choose another port: --port 8788 (or PORT=8788).\n`,
      );
      return 1;
    }
    io.stderr(`dodo-portal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

const isAddressInUse = (error: unknown): error is NodeJS.ErrnoException & { port?: number; address?: string } =>
  error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';

// `tsx src/cli.ts …` runs it directly too (the bin launcher imports runCli instead).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    ...(process.stderr.isTTY ? { progress: (text: string) => process.stderr.write(text) } : {}),
  });
}
