/**
 * The one start command (`npm start`): builds the elements, starts the portal server on
 * ./data/dodo-portal.db (seeding a demo business the first time), starts the merchant example
 * that embeds the portal, and prints where to look. Ctrl-C stops everything.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { capture, DEFAULT_PORTAL_ORIGIN, DEFAULT_PORTAL_PORT, pnpm, repoRoot, run, startService } from './lib/run.ts';

const host = '127.0.0.1';

/** A port from the environment; a bad value names its variable instead of failing later. */
function portFrom(variable: string, fallback: number): number {
  const value = process.env[variable];
  const port = value === undefined || value === '' ? fallback : Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    console.error(`npm start: ${variable} must be a port number from 1 to 65535, got "${value}".`);
    process.exit(1);
  }
  return port;
}

// The three ports `npm start` listens on, each movable (README "Ports").
const ports = [
  { variable: 'PORT', what: 'the portal server', port: portFrom('PORT', DEFAULT_PORTAL_PORT) },
  { variable: 'MERCHANT_PORT', what: 'the merchant example', port: portFrom('MERCHANT_PORT', 3000) },
  { variable: 'SCRIPT_TAG_PORT', what: 'the plain-HTML example', port: portFrom('SCRIPT_TAG_PORT', 3001) },
];
const [portalPort, merchantPort, scriptTagPort] = ports.map((entry) => entry.port) as [number, number, number];

/** Says which port is busy and how to move it, before anything starts (not a raw EADDRINUSE stack). */
async function ensurePortsFree(): Promise<void> {
  const taken: string[] = [];
  for (const { variable, what, port } of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, host, () => probe.close(() => resolve(true)));
    });
    if (!free) taken.push(`  port ${port} (${what}) is already in use: stop what uses it, or choose another with ${variable}=${port + 1}`);
  }
  if (new Set(ports.map((entry) => entry.port)).size < ports.length) taken.push('  PORT, MERCHANT_PORT and SCRIPT_TAG_PORT must differ');
  if (taken.length === 0) return;
  console.error(`npm start cannot start:\n${taken.join('\n')}\n\nFor example: PORT=8788 MERCHANT_PORT=3100 SCRIPT_TAG_PORT=3101 npm start`);
  process.exit(1);
}
await ensurePortsFree();

const portalUrl = process.env.PUBLIC_URL ?? `http://${host}:${portalPort}`;
const dataDir = join(repoRoot, 'data');
const dbFile = process.env.DODO_PORTAL_DB ?? join(dataDir, 'dodo-portal.db');
const demoFile = join(dataDir, 'demo.json');
const bin = join(repoRoot, 'packages/server/bin/dodo-portal.mjs');

interface Demo {
  business_id: string;
  api_keys: { test: string; live: string };
  demo_customer_id: string;
  customers: { customer_id: string; email: string; name: string }[];
}

console.log('Building the elements…');
if ((await run([...pnpm(), '--filter', '@dodo-portal/elements', 'run', 'build'])) !== 0) process.exit(1);

mkdirSync(dataDir, { recursive: true });
const children: ChildProcess[] = [];
const shutdown = () => {
  for (const child of children) child.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

children.push(
  await startService('portal', ['node', bin, 'serve', '--port', String(portalPort), '--host', host, '--db', dbFile], /http:\/\//, {
    env: { ...process.env, PUBLIC_URL: portalUrl },
  }),
);

// Seed once; keep the keys beside the database so a restart shows the same demo.
let demo: Demo | undefined = existsSync(demoFile) ? (JSON.parse(readFileSync(demoFile, 'utf8')) as Demo) : undefined;
if (demo) {
  const probe = await fetch(`${portalUrl}/v1/customers/${demo.demo_customer_id}`, {
    headers: { authorization: `Bearer ${demo.api_keys.test}` },
  });
  if (!probe.ok) demo = undefined; // the database was reset: seed again
}
if (!demo) {
  const origins = [merchantPort, scriptTagPort].flatMap((port) => ['--allowed-origin', `http://${host}:${port}`, '--allowed-origin', `http://localhost:${port}`]);
  demo = JSON.parse(await capture(['node', bin, 'seed', '--demo', '--db', dbFile, '--json', ...origins])) as Demo;
  writeFileSync(demoFile, JSON.stringify(demo, null, 2));
}
// The example pages must be allowed origins: a run on other ports (MERCHANT_PORT, SCRIPT_TAG_PORT)
// than the one that seeded adds its own.
{
  const wanted = [merchantPort, scriptTagPort].flatMap((port) => [`http://${host}:${port}`, `http://localhost:${port}`]);
  const headers = { authorization: `Bearer ${demo.api_keys.test}`, 'content-type': 'application/json' };
  const settings = (await (await fetch(`${portalUrl}/v1/business`, { headers })).json()) as { allowed_origins?: string[] };
  const current = settings.allowed_origins ?? [];
  if (wanted.some((origin) => !current.includes(origin))) {
    await fetch(`${portalUrl}/v1/business`, { method: 'PATCH', headers, body: JSON.stringify({ allowed_origins: [...new Set([...current, ...wanted])].slice(-50) }) });
  }
}
const demoCustomer = demo.customers.find((customer) => customer.customer_id === demo!.demo_customer_id) ?? demo.customers[0]!;

children.push(
  await startService('merchant', ['node', '--import', 'tsx', join(repoRoot, 'examples/merchant-node/server.ts')], /listening/, {
    env: {
      ...process.env,
      DODO_PORTAL_URL: portalUrl,
      DODO_API_KEY: demo.api_keys.test,
      PORT: String(merchantPort),
      HOST: host,
      DEMO_EMAIL: demoCustomer.email,
    },
  }),
);

// The plain-HTML example, served as files. Its HTML names the default portal origin (what a
// merchant pastes); served here, that origin becomes the one this run started (PORT, PUBLIC_URL).
const scriptTagDir = join(repoRoot, 'examples/script-tag');
createServer((request, response) => {
  const name = new URL(request.url ?? '/', 'http://x').pathname.replace(/^\/$/, '/index.html').slice(1);
  const file = join(scriptTagDir, name);
  if (!/^[\w.-]+$/.test(name) || !existsSync(file)) return void response.writeHead(404).end('not found');
  const type = name.endsWith('.html') ? 'text/html' : name.endsWith('.css') ? 'text/css' : 'text/javascript';
  response.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(readFileSync(file, 'utf8').replaceAll(DEFAULT_PORTAL_ORIGIN, portalUrl));
})
  .once('error', (error: NodeJS.ErrnoException) => {
    console.error(`npm start: the plain-HTML example cannot listen on ${host}:${scriptTagPort} (${error.code}); choose another port with SCRIPT_TAG_PORT=…`);
    shutdown();
  })
  .listen(scriptTagPort, host);

const session = (await (
  await fetch(`${portalUrl}/v1/customers/${demoCustomer.customer_id}/customer-portal/session`, {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.api_keys.test}`, 'content-type': 'application/json' },
    body: JSON.stringify({ return_url: `http://${host}:${merchantPort}/account` }),
  })
).json()) as { link: string; session_token: string };

console.log(`
dodo-portal demo is running.

  Merchant page with the embedded portal:  http://${host}:${merchantPort}/
      (log in as ${demoCustomer.email} — the form is pre-filled)
  Plain HTML (script tag) example:         http://${host}:${scriptTagPort}/#session_token=${session.session_token}
  Hosted portal page:                      ${session.link}
  Email login page (static link):          ${portalUrl}/test/login/${demo.business_id}
      (no SMTP_URL set: test-mode emails go to the outbox — read the sign-in link with
       pnpm dodo-portal outbox --limit 1 --db ${dbFile})
  Portal server / API:                     ${portalUrl}
  Demo business ${demo.business_id}, test key ${demo.api_keys.test}
  (keys and ids are in data/demo.json; database ${dbFile})

Press Ctrl-C to stop.
`);
