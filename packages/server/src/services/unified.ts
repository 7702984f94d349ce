/**
 * The unified portal: one sign-in (by email, in one mode) that shows every business where that
 * email is a customer, and opens any of their portals without another login. Its codes (`dpx_…`)
 * and session tokens (`dpu_…`) are 256-bit, stored only as hashes, and time-bound; a unified
 * token opens only the `/portal/v1/unified` routes, and a business-scoped token never opens them.
 */
import { ErrorCode, type MagicLinkExchanged, type Mode, type PortalSession, type UnifiedBusinessList, type UnifiedLoginBody } from '@dodo-portal/wire/schemas';
import { DomainError, notFound, sessionExpired, unauthorized } from '../domain/errors.ts';
import { IdPrefix, isId, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import { generateSessionToken, generateUnifiedCode, generateUnifiedToken, hashSecret, isUnifiedCodeShape, isUnifiedTokenShape } from '../domain/tokens.ts';
import { unifiedSignInEmail } from '../mail/templates.ts';
import { findBusiness } from '../store/businesses.ts';
import { findCustomerContactByEmail } from '../store/portal-access.ts';
import { insertPortalSession } from '../store/sessions.ts';
import {
  consumeUnifiedLink,
  findMemberships,
  findUnifiedLinkByHash,
  findUnifiedSessionByHash,
  insertUnifiedLink,
  revokeUnifiedSession,
  type UnifiedSessionRecord,
} from '../store/unified.ts';
import { getInvoice } from './invoices.ts';
import { magicLinkUrl, unifiedLoginUrl } from './links.ts';
import type { MailMessage } from '../mail/mailer.ts';
import type { LinkContext } from './portal-access.ts';
import { hostedPortalLink } from './sessions.ts';
import { withScopeClock } from './scope-clock.ts';
import type { MailQueue } from '../runtime.ts';

/** A unified sign-in link works once, for 24 hours; the session it opens lasts 24 hours. */
export const UNIFIED_LINK_TTL_MS = 24 * 60 * 60 * 1000;
export const UNIFIED_SESSION_TTL_MS = 24 * 60 * 60 * 1000;

const normalize = (email: string) => email.toLowerCase();

/**
 * The work behind `POST /portal/v1/unified/login`, done by the mail queue's drain: when the email
 * is a customer of at least one business in that mode, one sign-in link naming them all.
 */
export async function unifiedLoginMessage(ctx: LinkContext, body: UnifiedLoginBody): Promise<MailMessage | undefined> {
  const memberships = await findMemberships(ctx.store.db, normalize(body.email), body.mode);
  const [first] = memberships;
  if (!first) return undefined;
  const now = ctx.clock.now();
  const expiresAt = toTimestamp(new Date(now.getTime() + UNIFIED_LINK_TTL_MS));
  const { token: code, hash } = generateUnifiedCode(ctx.random);
  await insertUnifiedLink(ctx.store.db, {
    id: newId(IdPrefix.unifiedLink, ctx.random),
    code_hash: hash,
    email_normalized: normalize(body.email),
    mode: body.mode,
    created_at: toTimestamp(now),
    expires_at: expiresAt,
    used_at: null,
  });
  return unifiedSignInEmail({
    to: { email: first.email, name: first.name, locale: first.locale },
    businesses: memberships.map((membership) => membership.brand_display_name),
    link: magicLinkUrl(ctx.publicUrl, code),
    expiresAt,
  });
}

/** `POST /portal/v1/unified/login` without waiting: queues the request (the same row for every email). */
export async function requestUnifiedLoginLink(ctx: { mailQueue: MailQueue }, body: UnifiedLoginBody): Promise<void> {
  await ctx.mailQueue.enqueueLogin({ kind: 'unified_login', mode: body.mode, request: { email: body.email } });
}

/** Trades a unified code for a unified session, once (404 unknown, 410 used or expired with `login_url`). */
export async function exchangeUnifiedLink(ctx: LinkContext, code: string): Promise<MagicLinkExchanged> {
  const unknown = () => notFound('This sign-in link is not valid. Ask for a new one.');
  if (!isUnifiedCodeShape(code)) throw unknown();
  const codeHash = hashSecret(code);
  const now = ctx.clock.now();
  const nowText = toTimestamp(now);
  const expiresAt = toTimestamp(new Date(now.getTime() + UNIFIED_SESSION_TTL_MS));
  const { token, hash } = generateUnifiedToken(ctx.random);
  const opened = await consumeUnifiedLink(ctx.store.db, codeHash, nowText, (link) => ({
    id: newId(IdPrefix.unifiedSession, ctx.random),
    token_hash: hash,
    email_normalized: link.email_normalized,
    mode: link.mode,
    created_at: nowText,
    expires_at: expiresAt,
    revoked_at: null,
  }));
  if (opened) return { session_token: token, expires_at: expiresAt };
  const link = await findUnifiedLinkByHash(ctx.store.db, codeHash);
  if (!link) throw unknown();
  const loginUrl = unifiedLoginUrl(ctx.publicUrl, link.mode);
  if (link.used_at !== null) throw new DomainError(ErrorCode.magicLinkUsed, 'This sign-in link was already used. Ask for a new one by email.', { loginUrl });
  throw new DomainError(ErrorCode.magicLinkExpired, 'This sign-in link has expired. Ask for a new one by email.', { loginUrl });
}

/** The live unified session of a bearer token; a business-scoped `dps_…` token is simply unknown here. */
export async function authenticateUnified(ctx: LinkContext, token: string | undefined): Promise<UnifiedSessionRecord> {
  if (!token) throw unauthorized('Pass the unified portal token as "Authorization: Bearer dpu_…".');
  const session = isUnifiedTokenShape(token) ? await findUnifiedSessionByHash(ctx.store.db, hashSecret(token)) : undefined;
  if (!session) throw unauthorized('Unknown unified portal token. Sign in again.');
  const loginUrl = unifiedLoginUrl(ctx.publicUrl, session.mode);
  if (session.revoked_at !== null) throw sessionExpired('This session was ended. Sign in again.', loginUrl);
  if (session.expires_at <= toTimestamp(ctx.clock.now())) throw sessionExpired('This session has expired. Sign in again.', loginUrl);
  return session;
}

export async function endUnifiedSession(ctx: LinkContext, session: UnifiedSessionRecord): Promise<void> {
  await revokeUnifiedSession(ctx.store.db, session.id, toTimestamp(ctx.clock.now()));
}

/** Every business where the session's email is a customer in its mode, with active subscriptions and the latest invoice. */
export async function listUnifiedBusinesses(ctx: LinkContext, session: UnifiedSessionRecord): Promise<UnifiedBusinessList> {
  const memberships = await findMemberships(ctx.store.db, session.email_normalized, session.mode);
  const items = await Promise.all(
    memberships.map(async (membership) => {
      const scope = { businessId: membership.business_id, mode: session.mode };
      return {
        business_id: membership.business_id,
        name: membership.business_name,
        brand: { display_name: membership.brand_display_name, primary_color: membership.brand_primary_color, logo_url: membership.brand_logo_url },
        customer_id: membership.customer_id,
        active_subscriptions: membership.active_subscriptions,
        latest_invoice: membership.latest_invoice_id ? await getInvoice(ctx, scope, membership.latest_invoice_id, { customerId: membership.customer_id }) : null,
        portal_expires_at: (await businessSessionTimes(ctx, session, scope)).expiresAt,
      };
    }),
  );
  return { email: session.email_normalized, mode: session.mode, expires_at: session.expires_at, items, next_cursor: null };
}

/**
 * A business session opened from a unified one: its start and end on the business's clock. The
 * unified session runs on real time (it spans businesses, each test-mode business with its own test
 * clock); a business session runs on its business's clock and gets what is left of the unified
 * session, counted there. The overview shows the same end, so every date a row shows is on one clock.
 */
async function businessSessionTimes(ctx: LinkContext, session: UnifiedSessionRecord, scope: { businessId: string; mode: Mode }): Promise<{ now: string; expiresAt: string }> {
  if (scope.mode === 'live') return { now: toTimestamp(ctx.clock.now()), expiresAt: session.expires_at };
  const businessNow = (await withScopeClock(ctx, scope)).clock.now().getTime();
  const left = Date.parse(session.expires_at) - ctx.clock.now().getTime();
  return { now: toTimestamp(new Date(businessNow)), expiresAt: toTimestamp(new Date(businessNow + left)) };
}

/**
 * A business-scoped portal session for the email's customer at that business (same mode). It
 * ends when the unified session would, never later, and with it on sign-out. Not a customer
 * there → 404 `not_found`.
 */
export async function openBusinessSession(ctx: LinkContext, session: UnifiedSessionRecord, businessId: string): Promise<PortalSession> {
  const missing = () => notFound(`No business ${businessId} for this sign-in.`);
  if (!isId(IdPrefix.business, businessId)) throw missing();
  const mode: Mode = session.mode;
  const customer = await findCustomerContactByEmail(ctx.store.db, { businessId, mode }, session.email_normalized);
  if (!customer) throw missing();
  const business = await findBusiness(ctx.store.db, businessId);
  if (!business) throw missing();
  const { now, expiresAt } = await businessSessionTimes(ctx, session, { businessId, mode });
  const { token, hash } = generateSessionToken(ctx.random);
  await insertPortalSession(ctx.store.db, {
    id: newId(IdPrefix.portalSession, ctx.random),
    token_hash: hash,
    business_id: businessId,
    mode,
    customer_id: customer.customer_id,
    return_url: business.return_url ?? null,
    created_at: now,
    expires_at: expiresAt,
    revoked_at: null,
    // Signing out of the unified portal ends this session too.
    unified_session_id: session.id,
  });
  return { link: hostedPortalLink(ctx.publicUrl, token), session_token: token, expires_at: expiresAt };
}
