/**
 * The ways into the portal besides the API session: one-time magic links, the static login page
 * (email → magic link), the merchant's invite, and the portal-link email of `send_email`. The
 * URLs are built in `links.ts`.
 */
import {
  ErrorCode,
  type CreateMagicLinkBody,
  type CreatePortalSessionBody,
  type LoginBody,
  type MagicLink,
  type Mode,
  type MagicLinkExchanged,
  type PortalAccessRevoked,
  type PortalInvite,
  type PortalSession,
} from '@dodo-portal/wire/schemas';
import { DomainError, notFound } from '../domain/errors.ts';
import { IdPrefix, isId, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import { generateMagicCode, generateSessionToken, hashSecret, isMagicCodeShape } from '../domain/tokens.ts';
import { portalLinkEmail, signInLinkEmail } from '../mail/templates.ts';
import type { MailMessage, Mailer } from '../mail/mailer.ts';
import { findBusiness, type BusinessRecord } from '../store/businesses.ts';
import { consumeMagicLink, findCustomerContactByEmail, findMagicLinkByHash, insertMagicLink, revokePortalSessionByTokenHash, type CustomerContact } from '../store/portal-access.ts';
import type { Scope } from '../store/scope.ts';
import { getCustomer } from './customers.ts';
import { magicLinkUrl, staticLoginUrl } from './links.ts';
import { createPortalSession } from './sessions.ts';
import { revokeCustomerPortalAccess } from '../store/sessions.ts';
import { withScopeClock } from './scope-clock.ts';
import type { MailQueue, ServiceContext } from '../runtime.ts';

/** A magic link (and the session it opens) lasts 24 hours. */
export const MAGIC_LINK_TTL_MS = 24 * 60 * 60 * 1000;
const MAGIC_SESSION_TTL_MS = 24 * 60 * 60 * 1000;

/** What link-making needs: the store, clock, randomness and the public origin (no trailing slash). */
export interface LinkContext extends ServiceContext {
  publicUrl: string;
}

/** …and what sending them needs: the mailer of each mode (app.ts `mailerFor`). */
export interface AccessContext extends LinkContext {
  mailerFor: (mode: Mode) => Mailer;
}

const emailNotConfigured = () => new DomainError(ErrorCode.emailNotConfigured, 'Email is not configured on this server (set SMTP_URL); nothing was sent.');

/** `POST …/customer-portal/session`; with `send_email` the link is also emailed, or nothing is created. */
export async function openPortalSession(ctx: AccessContext, scope: Scope, customerId: string, body: CreatePortalSessionBody): Promise<PortalSession> {
  const mailer = ctx.mailerFor(scope.mode);
  if (body.send_email && mailer.disabled) throw emailNotConfigured();
  const session = await createPortalSession(ctx, scope, customerId, body, ctx.publicUrl);
  if (!body.send_email) return session;
  const customer = await getCustomer(ctx, scope, customerId);
  const business = await requireBusiness(ctx, scope.businessId);
  try {
    await mailer.send(portalLinkEmail({ to: customer, brand: business.brand, link: session.link, expiresAt: session.expires_at }));
  } catch (error) {
    // Never hand out a link we claimed to email but did not: end the session, report the failure.
    await revokePortalSessionByTokenHash(ctx.store.db, hashSecret(session.session_token), toTimestamp(ctx.clock.now()));
    throw new DomainError(ErrorCode.emailFailed, `The email to ${customer.email} could not be sent: ${error instanceof Error ? error.message : String(error)}`);
  }
  return session;
}

async function requireBusiness(ctx: ServiceContext, businessId: string): Promise<BusinessRecord> {
  const business = await findBusiness(ctx.store.db, businessId);
  if (!business) throw notFound(`No business ${businessId}.`);
  return business;
}

async function issueMagicLink(base: LinkContext, contact: Pick<CustomerContact, 'customer_id' | 'business_id' | 'mode'>, returnUrl: string | null): Promise<MagicLink> {
  // Whoever asks (a request, the CLI, the renewal engine), a test-mode link runs on its business's test clock.
  const ctx = await withScopeClock(base, { businessId: contact.business_id, mode: contact.mode });
  const now = ctx.clock.now();
  const expiresAt = toTimestamp(new Date(now.getTime() + MAGIC_LINK_TTL_MS));
  const { token: code, hash } = generateMagicCode(ctx.random);
  await insertMagicLink(ctx.store.db, {
    id: newId(IdPrefix.magicLink, ctx.random),
    code_hash: hash,
    business_id: contact.business_id,
    mode: contact.mode,
    customer_id: contact.customer_id,
    return_url: returnUrl,
    created_at: toTimestamp(now),
    expires_at: expiresAt,
    used_at: null,
    revoked_at: null,
  });
  return { link: magicLinkUrl(ctx.publicUrl, code), expires_at: expiresAt };
}

/** `POST …/customer-portal/magic-link`: a one-time link for one customer, valid 24 h. */
export async function createMagicLink(ctx: LinkContext, scope: Scope, customerId: string, body: CreateMagicLinkBody): Promise<MagicLink> {
  const customer = await getCustomer(ctx, scope, customerId);
  return issueMagicLink(ctx, { customer_id: customer.customer_id, business_id: scope.businessId, mode: scope.mode }, body.return_url ?? null);
}

/**
 * `POST …/customer-portal/sessions/revoke`: the merchant's logout. Every portal session of the
 * customer in this business and mode (however it was opened) ends, and no magic link issued
 * before can be exchanged. Unknown customer → 404.
 */
export async function revokePortalAccess(ctx: ServiceContext, scope: Scope, customerId: string): Promise<PortalAccessRevoked> {
  const customer = await getCustomer(ctx, scope, customerId);
  const revoked = await revokeCustomerPortalAccess(ctx.store.db, scope, customer.customer_id, toTimestamp(ctx.clock.now()));
  return { revoked_sessions: revoked.sessions, revoked_links: revoked.links };
}

/** `GET …/customer-portal/invite` (and `dodo-portal invite`): the static login link and a fresh magic link. */
export async function createInvite(ctx: LinkContext, contact: Pick<CustomerContact, 'customer_id' | 'business_id' | 'mode'>): Promise<PortalInvite> {
  const magic = await issueMagicLink(ctx, contact, null);
  return {
    static_link: staticLoginUrl(ctx.publicUrl, contact.business_id, contact.mode),
    dynamic_link: magic.link,
    dynamic_link_expires_at: magic.expires_at,
  };
}

export async function inviteForCustomer(ctx: LinkContext, scope: Scope, customerId: string): Promise<PortalInvite> {
  const customer = await getCustomer(ctx, scope, customerId);
  return createInvite(ctx, { customer_id: customer.customer_id, business_id: scope.businessId, mode: scope.mode });
}

/**
 * Trades a magic-link code for a new portal session, once. Unknown code → 404 `not_found`; used →
 * 410 `magic_link_used`; past 24 h → 410 `magic_link_expired` (both with `login_url`).
 */
export async function exchangeMagicLink(base: LinkContext, code: string): Promise<MagicLinkExchanged> {
  const unknown = () => notFound('This sign-in link is not valid. Ask for a new one.');
  if (!isMagicCodeShape(code)) throw unknown();
  const codeHash = hashSecret(code);
  // A test-mode link expires on its business's test clock.
  const found = await findMagicLinkByHash(base.store.db, codeHash);
  if (!found) throw unknown();
  const ctx = await withScopeClock(base, { businessId: found.business_id, mode: found.mode });
  const now = ctx.clock.now();
  const nowText = toTimestamp(now);
  const expiresAt = toTimestamp(new Date(now.getTime() + MAGIC_SESSION_TTL_MS));
  const { token, hash } = generateSessionToken(ctx.random);
  const opened = await consumeMagicLink(ctx.store.db, codeHash, nowText, (link) => ({
    id: newId(IdPrefix.portalSession, ctx.random),
    token_hash: hash,
    business_id: link.business_id,
    mode: link.mode,
    customer_id: link.customer_id,
    // As for API sessions: the link's own return URL, else the business's default.
    return_url: link.return_url ?? link.business_return_url,
    created_at: nowText,
    expires_at: expiresAt,
    revoked_at: null,
  }));
  if (opened) return { session_token: token, expires_at: expiresAt };
  const link = await findMagicLinkByHash(ctx.store.db, codeHash);
  if (!link) throw unknown();
  const loginUrl = staticLoginUrl(ctx.publicUrl, link.business_id, link.mode);
  if (link.revoked_at) {
    throw new DomainError(ErrorCode.magicLinkExpired, 'This sign-in link was withdrawn. Ask for a new one by email.', { loginUrl });
  }
  if (link.used_at !== null) {
    throw new DomainError(ErrorCode.magicLinkUsed, 'This sign-in link was already used. Ask for a new one by email.', { loginUrl });
  }
  throw new DomainError(ErrorCode.magicLinkExpired, 'This sign-in link has expired. Ask for a new one by email.', { loginUrl });
}

/**
 * The work behind `POST /portal/v1/login`, done by the mail queue's drain, never on the request:
 * when the email belongs to a customer of the business in that mode, issue a one-time sign-in
 * link and answer the email carrying it. Otherwise undefined (nothing is sent).
 */
export async function loginLinkMessage(base: LinkContext, body: LoginBody): Promise<MailMessage | undefined> {
  if (!isId(IdPrefix.business, body.business_id)) return undefined;
  const scope: Scope = { businessId: body.business_id, mode: body.mode };
  const customer = await findCustomerContactByEmail(base.store.db, scope, body.email);
  if (!customer) return undefined;
  const ctx = await withScopeClock(base, scope);
  const business = await requireBusiness(ctx, scope.businessId);
  const magic = await issueMagicLink(ctx, customer, null);
  return signInLinkEmail({ to: customer, brand: business.brand, link: magic.link, expiresAt: magic.expires_at });
}

/** `POST /portal/v1/login` without waiting: queues the request (the same row for every email). */
export async function requestLoginLink(ctx: AccessContext & { mailQueue: MailQueue }, body: LoginBody): Promise<void> {
  await ctx.mailQueue.enqueueLogin({ kind: 'login', mode: body.mode, request: { business_id: body.business_id, email: body.email } });
}

export { emailNotConfigured, magicLinkUrl, staticLoginUrl };
