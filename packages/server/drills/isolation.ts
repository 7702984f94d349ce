/**
 * The isolation drill: two businesses × two customers × both modes, each with real data made
 * through the public APIs of a real server on a loopback port; then every operation of the served
 * `/openapi.json` (so a route added tomorrow is drilled tomorrow) is called with one tenant's
 * credentials and another tenant's ids — business A's key with B's ids, the test key with live
 * ids, customer 1's portal token with customer 2's ids, a unified token on business-scoped routes
 * and business credentials on unified ones. A refusal (4xx) is the right answer; a leak is a 2xx
 * to a request that names the other tenant's data, or any body showing one of its ids, emails or
 * names that the request did not itself carry.
 */
import { createBusiness } from '../src/services/businesses.ts';
import { startServer, type RunningServer } from '../src/serve.ts';
import { createSecretBox } from '../src/domain/secret-box.ts';
import { cryptoRandom, systemClock } from '../src/domain/ports.ts';
import { SandboxCards, createSandboxProcessor } from '../src/payments/sandbox.ts';
import { serviceContext } from '../src/runtime.ts';
import { listOutboxMail } from '../src/store/outbox.ts';
import { memoryLogger, tempPostgresStore, tempSqliteStore, TEST_SERVER_SECRET, type TempStore } from '../src/testing/harness.ts';

export interface DrillOptions {
  full: boolean;
  store: 'sqlite' | 'postgres';
  databaseUrl?: string;
  log: (figure: string, value: number | string) => void;
}

type Mode = 'test' | 'live';

/** One customer of one business in one mode, and everything it owns, by the name an API uses for it. */
export interface Tenant {
  label: string;
  business: string;
  mode: Mode;
  /** Path-parameter / body-field name → id (customer_id, invoice_id, product_id, …). */
  ids: Record<string, string>;
  /** Strings that identify this tenant in a body besides its ids: email and names. */
  marks: string[];
  key: string;
  portalToken: string;
  licenseKey: string;
}

export interface Probe {
  method: string;
  path: string;
  body?: unknown;
  token: string;
  /** Whether the request names the victim's data in its path or body (so any 2xx means it was reached). */
  namesVictim: boolean;
  label: string;
}

/** A well-formed id of the same kind that names nothing: `pay_06h4…` → `pay_0000…`. */
export const ghostOf = (id: string) => id.replace(/[A-Za-z0-9]+$/, (tail) => '0'.repeat(tail.length));

/**
 * The leak detector: a 2xx answer to a request that names the victim's data returned or changed
 * it — unless `control` (the same request with the victim's ids replaced by ghosts, see
 * `ghostOf`) got the same answer, so the route told the caller nothing about the victim (license
 * validation answers 200 `instance_valid: false` for any instance not on the caller's key); and
 * any answer showing a victim id or mark the request did not carry shows the victim's data.
 * Returns why it leaks, or undefined.
 */
export function leakOf(
  probe: Pick<Probe, 'method' | 'path' | 'body' | 'namesVictim'>,
  status: number,
  text: string,
  victim: Pick<Tenant, 'ids' | 'marks'>,
  control?: { status: number; text: string },
): string | undefined {
  const ghostly = (body: string) => Object.values(victim.ids).reduce((out, id) => out.split(id).join(ghostOf(id)), body);
  const likeControl = control !== undefined && control.status === status && control.text === ghostly(text);
  if (status >= 200 && status < 300 && probe.namesVictim && !likeControl) return `${status} to a request naming the other tenant's data`;
  const sent = `${decodeURIComponent(probe.path)} ${probe.body === undefined ? '' : JSON.stringify(probe.body)}`;
  const shown = [...Object.entries(victim.ids), ...victim.marks.map((mark) => ['mark', mark] as const)].filter(([, value]) => !sent.includes(value) && text.includes(value));
  return shown.length > 0 ? `${status} body shows the other tenant's ${shown.map(([name]) => name).join(', ')}` : undefined;
}

// ---------------------------------------------------------------------------------------------
// The document: operations and a body sampler (only what the drill needs to reach the lookup).
// ---------------------------------------------------------------------------------------------

interface Operation {
  method: string;
  path: string;
  auth: 'bearerAuth' | 'sessionToken' | 'unifiedToken' | 'none';
  bodySchema?: Schema;
  /** Query parameters that name an id or an email (list filters such as `customer_id`). */
  queryIds: string[];
}
type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  format?: string;
  minimum?: number;
  minLength?: number;
  const?: unknown;
};
interface Document {
  paths: Record<
    string,
    Record<string, { security?: Record<string, string[]>[]; parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>
  >;
  components?: { schemas?: Record<string, Schema> };
}

function operationsOf(doc: Document): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const scheme = Object.keys(op.security?.[0] ?? {})[0];
      return {
        method: method.toUpperCase(),
        path,
        auth: (scheme ?? 'none') as Operation['auth'],
        queryIds: (op.parameters ?? []).filter((p) => p.in === 'query' && /_id$|^email$/.test(p.name)).map((p) => p.name),
        ...(op.requestBody?.content?.['application/json']?.schema ? { bodySchema: op.requestBody.content['application/json'].schema } : {}),
      };
    }),
  );
}

/**
 * A minimal valid-looking body: required fields plus every id field, ids filled with the victim's
 * (a `license_key` with the attacker's own key), so the route reaches its ownership check.
 */
function sample(doc: Document, schema: Schema | undefined, ids: Record<string, string>, own: { licenseKey: string }, name = '', depth = 0): unknown {
  if (!schema || depth > 6) return undefined;
  if (schema.$ref) return sample(doc, doc.components?.schemas?.[schema.$ref.split('/').pop()!], ids, own, name, depth + 1);
  const variant = schema.allOf?.[0] ?? schema.anyOf?.find((s) => s.type !== 'null') ?? schema.oneOf?.[0];
  if (variant) return sample(doc, variant, ids, own, name, depth + 1);
  if (name === 'license_key') return own.licenseKey;
  const idName = name === 'product_ids' ? 'product_id' : name.replace(/^license_key_instance_id$/, 'instance_id');
  if (ids[idName] !== undefined) return name === 'product_ids' ? [ids[idName]] : ids[idName];
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'object' || schema.properties) {
    const body: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      if (!schema.required?.includes(key) && !/_ids?$/.test(key) && key !== 'items' && key !== 'license_key') continue;
      const value = sample(doc, property, ids, own, key, depth + 1);
      if (value !== undefined) body[key] = value;
    }
    // An update with nothing to change is refused before any lookup: change its first field.
    const [first] = Object.entries(schema.properties ?? {});
    if (first && (schema.required ?? []).length === 0 && Object.keys(body).length === 0) {
      const value = sample(doc, first[1], ids, own, first[0], depth + 1);
      if (value !== undefined) body[first[0]] = value;
    }
    return body;
  }
  if (type === 'array') return [sample(doc, schema.items, ids, own, '', depth + 1)].filter((v) => v !== undefined);
  if (type === 'integer' || type === 'number') return Math.max(schema.minimum ?? 1, 100);
  if (type === 'boolean') return false;
  if (type === 'string') {
    if (schema.format === 'email') return 'drill@iso.example';
    if (schema.format === 'uri' || schema.format === 'url') return 'https://hooks.iso.example/drill';
    if (schema.format === 'date-time') return '2030-01-01T00:00:00.000Z';
    if (name === 'currency') return 'USD';
    // Fits the identifier patterns (meters, names) too.
    return 'drill_isolation';
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The world: two businesses × two modes × two customers, made over HTTP.
// ---------------------------------------------------------------------------------------------

const CARD = { number: SandboxCards.succeeds, exp_month: 12, exp_year: 2040, cvc: '123' };

async function call(url: string, token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

async function must<T>(url: string, status: number, token: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  const answer = await call(url, token, method, path, body, headers);
  if (answer.status !== status) throw new Error(`setup ${method} ${path}: expected ${status}, got ${answer.status}: ${answer.text.slice(0, 300)}`);
  return (answer.text ? JSON.parse(answer.text) : undefined) as T;
}

interface World {
  server: RunningServer;
  temp: TempStore;
  tenants: Tenant[];
  /** A unified token per (email of the tenant labelled) — for the A test customer 1. */
  unified: { token: string; owner: Tenant };
}

async function buildWorld(options: DrillOptions): Promise<World> {
  if (options.store === 'postgres' && !options.databaseUrl) throw new Error('isolation: store postgres needs databaseUrl');
  const temp = options.store === 'postgres' ? await tempPostgresStore(options.databaseUrl!) : await tempSqliteStore();
  const liveProcessor = createSandboxProcessor({ clock: systemClock, random: cryptoRandom });
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    secret: TEST_SERVER_SECRET,
    logger: memoryLogger(),
    scheduler: false,
    trustProxy: true,
    livePaymentProcessor: liveProcessor,
    store: temp.store,
  });
  const url = server.url;
  const ctx = serviceContext(temp.store, { secrets: createSecretBox(TEST_SERVER_SECRET) });
  let client = 0;
  const cardToken = async (mode: Mode) => {
    if (mode === 'live') return (await liveProcessor.tokenize(CARD)).token;
    client += 1;
    return (await must<{ card_token: string }>(url, 201, null, 'POST', '/sandbox/v1/tokens', CARD, { 'x-forwarded-for': `10.77.0.${client}` })).card_token;
  };
  const tenants: Tenant[] = [];
  for (const letter of ['a', 'b']) {
    const created = await createBusiness(ctx, { name: `Isolation ${letter.toUpperCase()} Co`, allowedOrigins: ['https://shop.example'] });
    for (const mode of ['test', 'live'] as const) {
      const key = created.apiKeys[mode];
      const tag = `${letter}-${mode}`;
      const plan = await must<{ product_id: string }>(url, 201, key, 'POST', '/v1/products', {
        name: `Plan ${tag}`,
        billing_type: 'subscription',
        price: 900,
        currency: 'USD',
        interval: 'month',
      });
      const thing = await must<{ product_id: string }>(url, 201, key, 'POST', '/v1/products', {
        name: `Thing ${tag}`,
        billing_type: 'one_time',
        price: 300,
        currency: 'USD',
        license_key: { activations_limit: 3, duration_days: null },
      });
      const collection = await must<{ collection_id: string }>(url, 201, key, 'POST', '/v1/product-collections', { name: `Shelf ${tag}`, product_ids: [plan.product_id] });
      // Live mode refuses loopback receivers and this drill resolves no public host: test mode only.
      const endpoint = mode === 'test' ? await must<{ webhook_endpoint_id: string }>(url, 201, key, 'POST', '/v1/webhook-endpoints', { url: `http://127.0.0.1:9/${tag}` }) : undefined;
      for (const n of [1, 2]) {
        const label = `${tag}-c${n}`;
        const email = `${label}@iso.example`;
        const name = `Isolated ${label}`;
        const customer = await must<{ customer_id: string }>(url, 201, key, 'POST', '/v1/customers', { email, name });
        const customerId = customer.customer_id;
        const subscription = await must<{ subscription_id: string }>(url, 201, key, 'POST', '/v1/subscriptions', {
          customer_id: customerId,
          product_id: plan.product_id,
          card_token: await cardToken(mode),
        });
        const payment = await must<{ payment_id: string; invoice_id: string | null }>(url, 201, key, 'POST', '/v1/payments', {
          customer_id: customerId,
          items: [{ product_id: thing.product_id }],
          card_token: await cardToken(mode),
        });
        const refund = await must<{ refund_id: string }>(url, 201, key, 'POST', '/v1/refunds', { payment_id: payment.payment_id, amount: 1 });
        const session = await must<{ session_token: string }>(url, 201, key, 'POST', `/v1/customers/${customerId}/customer-portal/session`, {});
        const portalToken = session.session_token;
        await must(url, 201, portalToken, 'POST', '/portal/v1/payment-methods', { card_token: await cardToken(mode) });
        const methods = await must<{ items: { payment_method_id: string }[] }>(url, 200, portalToken, 'GET', '/portal/v1/payment-methods');
        const [licenseKey] = (await must<{ items: { license_key_id: string }[] }>(url, 200, key, 'GET', `/v1/license-keys?customer_id=${customerId}`)).items;
        const revealed = await must<{ key: string }>(url, 200, key, 'GET', `/v1/license-keys/${licenseKey!.license_key_id}`);
        const instance = await must<{ license_key_instance_id: string }>(url, 201, null, 'POST', '/v1/licenses/activate', { license_key: revealed.key, name: `${label} pc` });
        tenants.push({
          label,
          business: created.business.id,
          mode,
          key,
          portalToken,
          licenseKey: revealed.key,
          marks: [email, name],
          ids: {
            business_id: created.business.id,
            customer_id: customerId,
            product_id: plan.product_id,
            collection_id: collection.collection_id,
            ...(endpoint ? { webhook_endpoint_id: endpoint.webhook_endpoint_id } : {}),
            subscription_id: subscription.subscription_id,
            payment_id: payment.payment_id,
            invoice_id: payment.invoice_id!,
            refund_id: refund.refund_id,
            payment_method_id: methods.items[0]!.payment_method_id,
            license_key_id: licenseKey!.license_key_id,
            instance_id: instance.license_key_instance_id,
            license_key: revealed.key,
          },
        });
      }
    }
  }
  // A unified (cross-business) session for A's first test customer, signed in through the outbox.
  const owner = tenants[0]!;
  const email = owner.marks[0]!;
  await must(url, 202, null, 'POST', '/portal/v1/unified/login', { email, mode: 'test' }, { 'x-forwarded-for': '10.78.0.1' });
  const deadline = Date.now() + 10_000;
  let code: string | undefined;
  while (!code && Date.now() < deadline) {
    const mail = (await listOutboxMail(temp.store.db, 100)).find((m) => m.to_address === email);
    code = mail ? /#code=(dpx_[A-Za-z0-9_-]{43})/.exec(mail.text_body)?.[1] : undefined;
    if (!code) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!code) throw new Error('isolation: no unified sign-in mail reached the outbox');
  const exchanged = await must<{ session_token: string }>(url, 201, null, 'POST', '/portal/v1/unified/magic-link/exchange', { code }, { 'x-forwarded-for': '10.78.0.1' });
  return { server, temp, tenants, unified: { token: exchanged.session_token, owner } };
}

// ---------------------------------------------------------------------------------------------
// The probes.
// ---------------------------------------------------------------------------------------------

/** Sign-in routes take no tenant's credentials; the sandbox tokenizer belongs to no tenant. */
const UNTENANTED = /^\/(portal\/v1\/(login|magic-link\/exchange|unified\/login|unified\/magic-link\/exchange)|sandbox\/v1\/tokens)$/;

const paramsOf = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
const fill = (path: string, ids: Record<string, string>) => path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(ids[name] ?? `missing_${name}`));
const bodyless = (method: string) => method === 'GET' || method === 'HEAD';

/** What of `victim` is not also the attacker's (the same business in the other mode shares its business id). */
const foreign = (victim: Tenant, attacker: Tenant): Pick<Tenant, 'ids' | 'marks'> => {
  const own = new Set([...Object.values(attacker.ids), ...attacker.marks]);
  return { ids: Object.fromEntries(Object.entries(victim.ids).filter(([, id]) => !own.has(id))), marks: victim.marks.filter((mark) => !own.has(mark)) };
};

type Planned = { probe: Probe; victim: Pick<Tenant, 'ids' | 'marks'> };

function probesFor(doc: Document, ops: Operation[], world: World, full: boolean): Planned[] {
  const { tenants, unified } = world;
  const probes: Planned[] = [];
  const same = (a: Tenant, b: Tenant) => a.business === b.business && a.mode === b.mode;
  // Short profile: attackers in test mode only (the test/live pair still crossed), customer 1 only.
  const attackers = tenants.filter((t) => full || (t.mode === 'test' && t.label.endsWith('c1')));
  const add = (op: Operation, attacker: Tenant, victim: Tenant, token: string, label: string) => {
    const params = paramsOf(op.path);
    const body = bodyless(op.method) ? undefined : (sample(doc, op.bodySchema, victim.ids, attacker, '') ?? (op.method === 'DELETE' ? undefined : {}));
    const theirs = foreign(victim, attacker);
    const bodyNames = body !== undefined && Object.values(theirs.ids).some((id) => JSON.stringify(body).includes(id));
    const namesVictim = params.some((p) => theirs.ids[p] !== undefined) || bodyNames;
    // A write that names nobody else acts on the attacker's own data (e.g. signing itself out): not a probe.
    if (!bodyless(op.method) && !namesVictim) return;
    // A list filtered by the other tenant's id may answer 200 (an empty page): only its body can leak.
    const queryValue = (name: string) => (name === 'email' ? victim.marks[0] : theirs.ids[name]);
    const query = op.queryIds.filter((name) => queryValue(name) !== undefined).map((name) => `${name}=${encodeURIComponent(queryValue(name)!)}`);
    const path = `${fill(op.path, victim.ids)}${bodyless(op.method) && query.length > 0 ? `?${query.join('&')}` : ''}`;
    probes.push({ probe: { method: op.method, path, ...(body === undefined ? {} : { body }), token, namesVictim, label }, victim: theirs });
  };
  for (const op of ops) {
    if (UNTENANTED.test(op.path)) continue;
    for (const attacker of attackers) {
      for (const victim of tenants) {
        if (victim === attacker) continue;
        if (op.auth === 'bearerAuth' && !same(attacker, victim)) add(op, attacker, victim, attacker.key, `key of ${attacker.business}/${attacker.mode} with ids of ${victim.label}`);
        if (op.auth === 'sessionToken' && (full || same(attacker, victim) || victim.label.endsWith('c1')))
          add(op, attacker, victim, attacker.portalToken, `portal token of ${attacker.label} with ids of ${victim.label}`);
        if (op.auth === 'none') add(op, attacker, victim, attacker.key, `license key of ${attacker.label} with ids of ${victim.label}`);
      }
      // Business credentials on unified routes, with the unified owner's data as the victim.
      if (op.auth === 'unifiedToken' && attacker !== unified.owner) {
        for (const token of [attacker.key, attacker.portalToken]) add(op, attacker, unified.owner, token, `business credential of ${attacker.label} on a unified route`);
      }
    }
    // The unified token on every business-scoped route, with its own owner's ids: nothing opens.
    if (op.auth === 'bearerAuth' || op.auth === 'sessionToken') {
      const target = tenants.find((t) => t !== unified.owner && same(t, unified.owner))!;
      for (const victim of full ? [unified.owner, target] : [target]) {
        const path = fill(op.path, victim.ids);
        const body = bodyless(op.method) ? undefined : (sample(doc, op.bodySchema, victim.ids, victim, '') ?? {});
        probes.push({
          probe: {
            method: op.method,
            path,
            ...(body === undefined ? {} : { body }),
            token: unified.token,
            namesVictim: true,
            label: `unified token of ${unified.owner.label} on a business-scoped route`,
          },
          victim: foreign(victim, unified.owner),
        });
      }
    }
    // The unified token on unified routes, with a business where its email is no customer.
    if (op.auth === 'unifiedToken' && op.path.includes('{business_id}')) {
      const victim = tenants.find((t) => t.business !== unified.owner.business && t.mode === 'test')!;
      probes.push({
        probe: {
          method: op.method,
          path: fill(op.path, victim.ids),
          token: unified.token,
          namesVictim: true,
          label: `unified token of ${unified.owner.label} with business of ${victim.label}`,
        },
        victim: foreign(victim, unified.owner),
      });
    }
  }
  // Reads first: a leaking write must not change what a later read of the same data sees.
  return [...probes.filter((p) => bodyless(p.probe.method)), ...probes.filter((p) => !bodyless(p.probe.method))];
}

/**
 * Every tenant's data as its own credentials see it. Taken before and after the probes: a write
 * that answered like a refusal (or like a ghost id) but changed the other tenant's data shows here.
 */
async function snapshot(url: string, tenants: Tenant[]): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  for (const t of tenants) {
    const reads: [string | null, string][] = [
      [t.key, `/v1/customers/${t.ids.customer_id}`],
      [t.key, `/v1/subscriptions/${t.ids.subscription_id}`],
      [t.key, `/v1/payments/${t.ids.payment_id}`],
      [t.key, `/v1/invoices/${t.ids.invoice_id}`],
      [t.key, `/v1/refunds/${t.ids.refund_id}`],
      [t.key, `/v1/products/${t.ids.product_id}`],
      [t.key, `/v1/product-collections/${t.ids.collection_id}`],
      [t.key, `/v1/license-keys/${t.ids.license_key_id}`],
      [t.key, '/v1/business'],
      [t.portalToken, '/portal/v1/session'],
      [t.portalToken, '/portal/v1/payment-methods'],
      [t.portalToken, `/portal/v1/license-keys/${t.ids.license_key_id}/instances`],
      [t.portalToken, '/portal/v1/profile'],
    ];
    for (const [token, path] of reads) {
      const answer = await call(url, token, 'GET', path);
      seen.set(`${t.label} GET ${path}`, `${answer.status} ${answer.text}`);
    }
  }
  return seen;
}

export const isolation = {
  name: 'isolation',
  async run(options: DrillOptions): Promise<{ failures: string[] }> {
    const started = Date.now();
    const world = await buildWorld(options);
    try {
      const url = world.server.url;
      const doc = (await (await fetch(`${url}/openapi.json`)).json()) as Document;
      const ops = operationsOf(doc);
      const failures: string[] = [];
      const uncovered = ops
        .filter((op) => !UNTENANTED.test(op.path))
        .flatMap((op) =>
          paramsOf(op.path)
            .filter((p) => world.tenants[0]!.ids[p] === undefined)
            .map((p) => `${op.method} ${op.path} {${p}}`),
        );
      if (uncovered.length > 0) failures.push(`no fixture for path parameters: ${uncovered.join(', ')} (add the id to the drill's tenants)`);
      const probes = probesFor(doc, ops, world, options.full);
      let leaks = 0;
      let serverErrors = 0;
      let controls = 0;
      let probeCount = 0;
      // Which refusals the probes met: mostly 404 (and 401 for the wrong kind of token) means they
      // reached the ownership checks rather than stopping at validation.
      const statuses = new Map<number, number>();
      const before = await snapshot(url, world.tenants);
      // The control: each tenant reads its own data, so the refusals below are about ownership.
      for (const [read, answer] of before) if (!answer.startsWith('200 ')) failures.push(`control: ${read} with its own credentials → ${answer.slice(0, 200)}`);
      for (const { probe, victim } of probes) {
        // Each probe from its own client address (the server trusts X-Forwarded-For here), so the
        // per-IP license limit answers no probe in place of the ownership check.
        probeCount += 1;
        const from = { 'x-forwarded-for': `10.79.${(probeCount >> 8) & 255}.${probeCount & 255}` };
        const answer = await call(url, probe.token, probe.method, probe.path, probe.body, from);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const processorMissing = answer.status === 503 && answer.text.includes('processor_not_configured');
        if (answer.status >= 500 && !processorMissing) {
          serverErrors += 1;
          failures.push(`5xx: ${probe.method} ${probe.path} (${probe.label}) → ${answer.status} ${answer.text.slice(0, 200)}`);
        }
        let control: { status: number; text: string } | undefined;
        if (answer.status >= 200 && answer.status < 300 && probe.namesVictim) {
          const ghostly = (value: string) => Object.values(victim.ids).reduce((out, id) => out.split(id).join(ghostOf(id)), value);
          control = await call(url, probe.token, probe.method, ghostly(probe.path), probe.body === undefined ? undefined : JSON.parse(ghostly(JSON.stringify(probe.body))), from);
          controls += 1;
        }
        const leak = leakOf(probe, answer.status, answer.text, victim, control);
        if (leak) {
          leaks += 1;
          failures.push(`leak: ${probe.method} ${probe.path}${probe.body === undefined ? '' : ` ${JSON.stringify(probe.body)}`} (${probe.label}) → ${leak}: ${answer.text.slice(0, 200)}`);
        }
      }
      const after = await snapshot(url, world.tenants);
      for (const [read, answer] of before) {
        if (after.get(read) === answer) continue;
        leaks += 1;
        failures.push(`leak: the probes changed ${read}: before ${answer.slice(0, 200)} after ${after.get(read)?.slice(0, 200)}`);
      }
      options.log('requests', probes.length + controls + before.size + after.size);
      options.log('leaks', leaks);
      options.log('5xx', serverErrors);
      options.log(
        'statuses',
        [...statuses]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => `${status}:${count}`)
          .join(','),
      );
      options.log('seconds', Math.round((Date.now() - started) / 100) / 10);
      return { failures };
    } finally {
      await world.server.close();
      await world.temp.cleanup();
    }
  },
};
