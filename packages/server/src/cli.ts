/**
 * The `dodo-portal` command: serve, migrate, business create, seed. Output meant for scripts
 * (`--json`) is one JSON document on stdout; everything for people goes to stderr or plain text.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { BusinessCreated } from '@dodo-portal/wire/schemas';
import { DomainError } from './domain/errors.ts';
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
}

const MAIN_HELP = `Usage: dodo-portal <command> [options]

Commands:
  serve              Run the portal server (merchant API, portal API, hosted page, CDN script)
  migrate            Create or upgrade the database schema
  business create    Create a business and print its secret API keys (shown once)
  seed --demo        Create a demo business with customers and invoices (test mode)

Database: --db FILE (SQLite), else DATABASE_URL=postgres://…, else DODO_PORTAL_DB, else ./data/dodo-portal.db.
Run "dodo-portal <command> --help" for a command's options.
`;

const SERVE_HELP = `Usage: dodo-portal serve [--port 8787] [--host 127.0.0.1] [--db FILE]

  --port N       Port to listen on (env PORT; default 8787; 0 picks a free port)
  --host HOST    Interface to bind (env HOST; default 127.0.0.1)
  --db FILE      SQLite database file (env DODO_PORTAL_DB; DATABASE_URL selects PostgreSQL)
  -h, --help     Show this help

Env PUBLIC_URL sets the origin used in portal links (default http://HOST:PORT).
Stops gracefully on SIGINT / SIGTERM.
`;

const MIGRATE_HELP = `Usage: dodo-portal migrate [--db FILE]

Applies pending migrations and exits.

  --db FILE      SQLite database file (env DODO_PORTAL_DB; DATABASE_URL selects PostgreSQL)
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

Creates the "Acme Cloud" demo business (test mode): three customers, one with 25 invoices over
eight months. Allowed origins: http://localhost:3000, http://127.0.0.1:3000 and any --allowed-origin.

  --demo                 Required: seed the demo data set
  --allowed-origin URL   Extra allowed origin (repeatable)
  --db FILE              SQLite database file
  --json                 Print the result as JSON
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

function parsePort(value: string | undefined): number {
  const port = Number(value);
  if (!/^\d+$/.test(value ?? '') || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${value}"`);
  }
  return port;
}

/** Runs one CLI invocation. Resolves to the exit code; `serve` resolves when the server stops. */
export async function runCli(argv: string[], io: CliIo, signals: NodeJS.EventEmitter = process): Promise<number> {
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
        const values = parse(rest, { port: { type: 'string' }, host: { type: 'string' }, ...dbOption, ...helpOption });
        if (values.help) return (io.stdout(SERVE_HELP), 0);
        const port = parsePort(values.port ?? io.env.PORT ?? '8787');
        const host = values.host ?? io.env.HOST ?? '127.0.0.1';
        const [{ startServer }, { storeOptionsFromEnv }] = await Promise.all([import('./serve.ts'), storeModule()]);
        const server = await startServer({
          port,
          host,
          ...(io.env.PUBLIC_URL ? { publicUrl: io.env.PUBLIC_URL } : {}),
          storeOptions: storeOptionsFromEnv(io.env, values.db),
        });
        const publicUrl = (io.env.PUBLIC_URL ?? server.url).replace(/\/+$/, '');
        io.stdout(
          `dodo-portal listening on ${server.url}\n` +
            `  database     ${server.store.location}\n` +
            `  hosted page  ${publicUrl}/portal#token=<session_token>\n` +
            `  CDN script   ${publicUrl}/dodo-portal.js\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            io.stderr(`\nReceived ${signal}, shutting down…\n`);
            signals.off('SIGINT', onInt);
            signals.off('SIGTERM', onTerm);
            resolve();
          };
          const onInt = () => stop('SIGINT');
          const onTerm = () => stop('SIGTERM');
          signals.on('SIGINT', onInt);
          signals.on('SIGTERM', onTerm);
        });
        await server.close();
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
        const [{ createBusiness }, { serviceContext }] = await Promise.all([import('./services/businesses.ts'), import('./services/context.ts')]);
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
          'allowed-origin': { type: 'string', multiple: true },
          json: { type: 'boolean' },
          ...dbOption,
          ...helpOption,
        });
        if (values.help) return (io.stdout(SEED_HELP), 0);
        if (!values.demo) throw new UsageError('seed needs --demo (the only data set so far)');
        const { seedDemo } = await import('./seed.ts');
        const seeded = await withStore(io, values.db, (store) => seedDemo(store, { allowedOrigins: values['allowed-origin'] ?? [] }));
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

      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`dodo-portal: ${error.message}\nRun "dodo-portal --help" for usage.\n`);
      return 2;
    }
    if (error instanceof DomainError) {
      io.stderr(`dodo-portal: ${error.message}\n`);
      return 1;
    }
    io.stderr(`dodo-portal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

// `tsx src/cli.ts …` runs it directly too (the bin launcher imports runCli instead).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  });
}
