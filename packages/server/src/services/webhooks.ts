/**
 * Webhooks. An event is written as one delivery row per subscribed endpoint of its business and
 * mode; the scheduler (and a test-clock advance) posts the due ones, signed per Standard Webhooks,
 * and records every attempt. A failed attempt is retried on the schedule below (real time), then
 * the delivery is `failed`. Payloads are the API's own objects, which carry no secrets.
 *
 * SSRF: live-mode endpoints must be https and every address their host resolves to must be public
 * — checked when the endpoint is created and again on each delivery, where the connection is made
 * to the address that was checked (no second lookup to rebind). Test mode may post anywhere,
 * loopback included, so a developer's local receiver works.
 *
 * Transactional outbox: an event is queued by the transaction that makes the change it reports
 * (`emitEvent` takes that transaction, and only a transaction), so a committed change always has
 * its delivery rows and a rolled-back one has none. Delivery happens afterwards, from the queue:
 * right after the commit (the store announces it, the scheduler listens and posts at once), and
 * on every scheduler tick as the fallback (retries, other processes, a crash in between).
 *
 * The signing secret is shown once, in the creation answer, never listed or logged. HMAC needs the
 * key itself, so it is stored sealed (AES-256-GCM under the server secret, domain/secret-box.ts,
 * bound to the endpoint's id) and opened only to sign. Endpoints created before migration
 * 0011 hold it in clear until `sealLegacyWebhookSecrets` (every scheduler tick) or a delivery
 * to them seals it.
 */
import { lookup } from 'node:dns/promises';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { CreateWebhookEndpointBody, Page, WebhookDelivery, WebhookEndpoint, WebhookEndpointCreated, WebhookEventType } from '@dodo-portal/wire/schemas';
import { isPublicAddress } from '../domain/addresses.ts';
import { invalidRequest, notFound } from '../domain/errors.ts';
import { IdPrefix, isId, newId } from '../domain/ids.ts';
import { toTimestamp, type Clock } from '../domain/ports.ts';
import { generateWebhookSecret, signWebhook, WEBHOOK_SECRET_PREFIX } from '../domain/webhook-signature.ts';
import type { SecretBox } from '../domain/secret-box.ts';
import { notifyAfterCommit, type Database } from '../store/index.ts';
import { findPayment } from '../store/payments.ts';
import type { Scope } from '../store/scope.ts';
import { findSubscription } from '../store/subscriptions.ts';
import {
  claimDelivery,
  endpointsForScope,
  findDueDeliveries,
  findWebhookEndpoint,
  insertDeliveries,
  insertWebhookEndpoint,
  listDeliveries,
  listWebhookEndpoints as listEndpointRows,
  legacyPlainSecrets,
  recordAttempt,
  replaceSecret,
  toWebhookEndpoint,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from '../store/webhooks.ts';
import type { Transaction } from 'kysely';
import { positionFromCursor, toPage } from './paging.ts';
import { type Logger, type ServiceContext, realNow } from '../runtime.ts';

/**
 * Delay before attempt n+1 after n failed attempts (Standard Webhooks' suggested schedule); then
 * the delivery is `failed`. An operator may replace it (`WEBHOOK_RETRY_SCHEDULE_MS` on `serve`, cli.ts);
 * the webhook-restart drill runs it in seconds.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000];
const TIMEOUT_MS = 10_000;
/** How long a claimed attempt is its runner's; then another process may make it (the runner died). */
export const WEBHOOK_LEASE_MS = 60_000;

export class UnsafeAddressError extends Error {
  override readonly name = 'UnsafeAddressError';
}

/** Every address of `host`, refused unless all are public. */
async function publicAddresses(host: string): Promise<LookupAddress[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  const addresses = isIP(bare) ? [{ address: bare, family: isIP(bare) }] : await lookup(bare, { all: true, verbatim: true });
  if (addresses.length === 0) throw new UnsafeAddressError(`${host} does not resolve`);
  const blocked = addresses.find((entry) => !isPublicAddress(entry.address));
  if (blocked) throw new UnsafeAddressError(`${host} resolves to ${blocked.address}, a private or loopback address`);
  return addresses;
}

export async function createWebhookEndpoint(ctx: ServiceContext, scope: Scope, body: CreateWebhookEndpointBody): Promise<WebhookEndpointCreated> {
  const url = new URL(body.url);
  const issue = (message: string) => invalidRequest(`url ${message}.`, [{ path: 'url', message }]);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw issue('must be http or https');
  if (url.username || url.password) throw issue('must not carry credentials');
  if (scope.mode === 'live') {
    if (url.protocol !== 'https:') throw issue('must be https in live mode');
    try {
      await publicAddresses(url.hostname);
    } catch (error) {
      throw issue(error instanceof UnsafeAddressError ? `is refused in live mode: ${error.message}` : `does not resolve: ${url.hostname}`);
    }
  }
  const secret = generateWebhookSecret(ctx.random);
  const id = newId(IdPrefix.webhookEndpoint, ctx.random);
  const row = {
    id,
    url: url.toString(),
    events: body.events ? JSON.stringify([...new Set(body.events)]) : null,
    secret: secretsOf(ctx).seal(secret, secretContext(id)),
    created_at: toTimestamp(realNow(ctx)),
  };
  await insertWebhookEndpoint(ctx.store.db, scope, row);
  return { ...toWebhookEndpoint({ ...row, business_id: scope.businessId, mode: scope.mode }), secret };
}

/** The additional data a sealed signing secret is bound to: its endpoint (and its purpose). */
const secretContext = (endpointId: string) => `webhook-secret:${endpointId}`;

function secretsOf(ctx: ServiceContext): SecretBox {
  if (!ctx.secrets) throw new Error('webhook secrets need the server secret: build the context with serviceContext() or createAppContext()');
  return ctx.secrets;
}

/** The endpoint's signing secret in clear, for signing only; seals a legacy clear one on the way. */
async function signingSecret(ctx: ServiceContext, endpoint: WebhookEndpointRow): Promise<string> {
  if (endpoint.secret.startsWith(WEBHOOK_SECRET_PREFIX)) {
    await replaceSecret(ctx.store.db, endpoint.id, endpoint.secret, secretsOf(ctx).seal(endpoint.secret, secretContext(endpoint.id)));
    return endpoint.secret;
  }
  return secretsOf(ctx).open(endpoint.secret, secretContext(endpoint.id));
}

/**
 * Seals every signing secret still stored in clear (endpoints created before migration 0011,
 * which cannot do it: migrations run without the server secret). Idempotent and safe in parallel:
 * each row is replaced only while it still holds the clear value.
 */
export async function sealLegacyWebhookSecrets(ctx: ServiceContext): Promise<number> {
  let sealed = 0;
  for (const row of await legacyPlainSecrets(ctx.store.db, WEBHOOK_SECRET_PREFIX)) {
    if (await replaceSecret(ctx.store.db, row.id, row.secret, secretsOf(ctx).seal(row.secret, secretContext(row.id)))) sealed += 1;
  }
  return sealed;
}

export async function listWebhookEndpoints(ctx: ServiceContext, scope: Scope, query: { limit: number; cursor?: string | undefined }): Promise<Page<WebhookEndpoint>> {
  return toPage(await listEndpointRows(ctx.store.db, scope, { limit: query.limit, after: positionFromCursor(query.cursor) }));
}

export async function listWebhookDeliveries(ctx: ServiceContext, scope: Scope, endpointId: string, query: { limit: number; cursor?: string | undefined }): Promise<Page<WebhookDelivery>> {
  const endpoint = isId(IdPrefix.webhookEndpoint, endpointId) ? await findWebhookEndpoint(ctx.store.db, scope, endpointId) : undefined;
  if (!endpoint) throw notFound(`No webhook endpoint ${endpointId} in ${scope.mode} mode.`);
  return toPage(await listDeliveries(ctx.store.db, scope, endpointId, { limit: query.limit, after: positionFromCursor(query.cursor) }));
}

/** A transaction: events are only ever queued inside the one that makes their change. */
export type Outbox = Transaction<Database>;

/**
 * Queues `type` for every endpoint of the scope that wants it, in `trx` — the transaction that
 * makes the change the event reports (transactional outbox: both commit or neither does). `at` is
 * when it happened in the mode's time (the payload's `timestamp`); delivery is due at once, in
 * real time, by the dispatcher (`deliverDueWebhooks`) after the commit.
 */
export async function emitEvent(trx: Outbox, ctx: ServiceContext, scope: Scope, type: WebhookEventType, data: object, at: Date = ctx.clock.now()): Promise<void> {
  const endpoints = (await endpointsForScope(trx, scope)).filter((endpoint) => endpoint.events === null || (JSON.parse(endpoint.events) as string[]).includes(type));
  if (endpoints.length === 0) return;
  const now = toTimestamp(realNow(ctx));
  const payload = JSON.stringify({ type, timestamp: toTimestamp(at), business_id: scope.businessId, data });
  await insertDeliveries(
    trx,
    endpoints.map((endpoint) => ({
      id: newId(IdPrefix.webhookDelivery, ctx.random),
      endpoint_id: endpoint.id,
      business_id: scope.businessId,
      mode: scope.mode,
      event_type: type,
      payload,
      status: 'pending',
      attempt_count: 0,
      next_attempt_at: now,
      claimed_until: null,
      created_at: now,
      updated_at: now,
    })),
  );
  // Delivery starts right after the commit (the scheduler listens), not on its next tick.
  notifyAfterCommit(trx, 'webhooks');
}

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Refuse non-public addresses (live mode). */
  guard: boolean;
}

/** Posts one webhook over node:http(s); answers the HTTP status, or throws when none came. */
export function postWebhook(post: WebhookPost, timeoutMs = TIMEOUT_MS): Promise<number> {
  const url = new URL(post.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const options: RequestOptions = {
      method: 'POST',
      headers: { ...post.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(post.body)), 'user-agent': 'dodo-portal-webhooks' },
      timeout: timeoutMs,
    };
    if (post.guard) {
      // Connect to the address that was checked: one resolution, so DNS cannot rebind in between.
      options.lookup = (hostname, _options, callback) => {
        publicAddresses(hostname).then(
          (addresses) => callback(null, addresses[0]!.address, addresses[0]!.family),
          (error: Error) => callback(error as NodeJS.ErrnoException, '', 4),
        );
      };
    }
    const run = async () => {
      if (post.guard && isIP(url.hostname.replace(/^\[|\]$/g, ''))) await publicAddresses(url.hostname);
      const req = request(url, options, (res) => {
        res.resume(); // the body is not read, only drained
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(post.body);
    };
    run().catch(reject);
  });
}

export interface DeliveryContext extends ServiceContext {
  logger: Logger;
  /** How webhooks leave (default: postWebhook). */
  webhookTransport?: (post: WebhookPost) => Promise<number>;
  /** Lease of a claimed attempt (default WEBHOOK_LEASE_MS); the post times out within half of it, so a live runner never outlasts its lease. */
  webhookLeaseMs?: number;
  /** Delays between attempts (default RETRY_SCHEDULE_MS; env WEBHOOK_RETRY_SCHEDULE_MS). */
  webhookRetryScheduleMs?: readonly number[];
}

/** Posts every due delivery (of one scope, or all), once each per call. Safe to run in parallel. */
export async function deliverDueWebhooks(ctx: DeliveryContext, options: { scope?: Scope } = {}): Promise<number> {
  const clock: Clock = ctx.realClock ?? ctx.clock;
  const due = await findDueDeliveries(ctx.store.db, { realNow: toTimestamp(clock.now()), scope: options.scope, limit: 100 });
  const results = await Promise.all(due.map((delivery) => deliverOne(ctx, clock, delivery)));
  return results.filter(Boolean).length;
}

async function deliverOne(ctx: DeliveryContext, clock: Clock, delivery: WebhookDeliveryRow): Promise<boolean> {
  const started = clock.now();
  const leaseMs = ctx.webhookLeaseMs ?? WEBHOOK_LEASE_MS;
  const leaseUntil = toTimestamp(new Date(started.getTime() + leaseMs));
  const attemptCount = Number(delivery.attempt_count);
  if (!(await claimDelivery(ctx.store.db, delivery.id, attemptCount, toTimestamp(started), leaseUntil))) return false;
  const endpoint = await findWebhookEndpoint(ctx.store.db, { businessId: delivery.business_id, mode: delivery.mode }, delivery.endpoint_id);
  let status: number | null = null;
  let error: string | null = null;
  const startedMs = Date.now();
  if (!endpoint) error = 'the endpoint is gone';
  else {
    const timestamp = Math.floor(started.getTime() / 1000);
    try {
      const post = ctx.webhookTransport ?? ((request: WebhookPost) => postWebhook(request, Math.min(TIMEOUT_MS, Math.floor(leaseMs / 2))));
      status = await post({
        url: endpoint.url,
        body: delivery.payload,
        guard: delivery.mode === 'live',
        headers: {
          'webhook-id': delivery.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(await signingSecret(ctx, endpoint), delivery.id, timestamp, delivery.payload),
        },
      });
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
  }
  const succeeded = status !== null && status >= 200 && status < 300;
  const retryIn = (ctx.webhookRetryScheduleMs ?? RETRY_SCHEDULE_MS)[attemptCount];
  const next = succeeded
    ? { status: 'succeeded' as const, next_attempt_at: null }
    : retryIn !== undefined && endpoint
      ? { status: 'pending' as const, next_attempt_at: toTimestamp(new Date(clock.now().getTime() + retryIn)) }
      : { status: 'failed' as const, next_attempt_at: null };
  await recordAttempt(
    ctx.store.db,
    { id: delivery.id, attemptCount, leaseUntil },
    { id: newId(IdPrefix.webhookAttempt, ctx.random), attempted_at: toTimestamp(started), response_status: status, error, duration_ms: Date.now() - startedMs },
    next,
  );
  if (!succeeded) ctx.logger.info('webhook attempt failed', { delivery_id: delivery.id, status, error });
  return true;
}

/** `payment.*` with the payment as the API shows it (read in `trx`: as the change leaves it). */
export async function emitPaymentEvent(trx: Outbox, ctx: ServiceContext, scope: Scope, type: 'payment.succeeded' | 'payment.failed', paymentId: string, at?: Date): Promise<void> {
  const payment = await findPayment(trx, scope, paymentId);
  if (payment) await emitEvent(trx, ctx, scope, type, payment, at);
}

/** `subscription.*` with the subscription as the API shows it (read in `trx`: after the change). */
export async function emitSubscriptionEvent(trx: Outbox, ctx: ServiceContext, scope: Scope, type: WebhookEventType, subscriptionId: string, at?: Date): Promise<void> {
  const subscription = await findSubscription(trx, scope, subscriptionId);
  if (subscription) await emitEvent(trx, ctx, scope, type, subscription, at);
}
