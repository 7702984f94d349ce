import type { CreatePortalSessionBody, PortalSession, PortalSessionInfo } from '@dodo-portal/wire/schemas';
import { sessionExpired, unauthorized } from '../domain/errors.ts';
import { IdPrefix, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import { generateSessionToken, hashSecret, isSessionTokenShape } from '../domain/tokens.ts';
import { findBusiness } from '../store/businesses.ts';
import { findPortalSessionByTokenHash, insertPortalSession, revokePortalSession, type PortalSessionContext } from '../store/sessions.ts';
import type { Scope } from '../store/scope.ts';
import { getCustomer } from './customers.ts';
import { staticLoginUrl } from './links.ts';
import type { ServiceContext } from '../runtime.ts';

/** The hosted portal link: the token rides in the fragment, which browsers never send to a server. */
export const hostedPortalLink = (publicUrl: string, token: string): string => `${publicUrl.replace(/\/+$/, '')}/portal#token=${token}`;

/** Opens a time-bound portal session for one customer of the business, in the key's mode. */
export async function createPortalSession(ctx: ServiceContext, scope: Scope, customerId: string, body: CreatePortalSessionBody, publicUrl: string): Promise<PortalSession> {
  const customer = await getCustomer(ctx, scope, customerId);
  const business = await findBusiness(ctx.store.db, scope.businessId);
  const now = ctx.clock.now();
  const expiresAt = toTimestamp(new Date(now.getTime() + body.ttl_seconds * 1000));
  const { token, hash } = generateSessionToken(ctx.random);
  await insertPortalSession(ctx.store.db, {
    id: newId(IdPrefix.portalSession, ctx.random),
    token_hash: hash,
    business_id: scope.businessId,
    mode: scope.mode,
    customer_id: customer.customer_id,
    return_url: body.return_url ?? business?.return_url ?? null,
    created_at: toTimestamp(now),
    expires_at: expiresAt,
    revoked_at: null,
  });
  return { link: hostedPortalLink(publicUrl, token), session_token: token, expires_at: expiresAt };
}

export type AuthenticatedSession = PortalSessionContext & { scope: Scope };

/**
 * The live session for a bearer token. Unknown or malformed → `unauthorized`; known but expired
 * or revoked → `session_expired`, so the portal can tell the customer to ask for a new link.
 */
export async function authenticateSession(ctx: ServiceContext, token: string): Promise<AuthenticatedSession> {
  return liveSession(ctx, await findSessionByToken(ctx, token));
}

/** The session if it is usable now; otherwise the error the customer should see. */
export function liveSession(ctx: ServiceContext, session: PortalSessionContext | undefined, publicUrl?: string): AuthenticatedSession {
  if (!session) throw unauthorized('Unknown session token. Open the portal from a fresh link.');
  // The token was real: say where a new link can be requested by email.
  const loginUrl = publicUrl ? staticLoginUrl(publicUrl, session.business_id, session.mode) : undefined;
  if (session.revoked_at !== null) throw sessionExpired('This portal session was ended. Open the portal from a fresh link.', loginUrl);
  if (session.expires_at <= toTimestamp(ctx.clock.now())) throw sessionExpired('This portal session has expired. Open the portal from a fresh link.', loginUrl);
  return { ...session, scope: { businessId: session.business_id, mode: session.mode } };
}

/** The session row for a token whatever its state (for CORS decisions on error answers too). */
export async function findSessionByToken(ctx: ServiceContext, token: string): Promise<PortalSessionContext | undefined> {
  if (!isSessionTokenShape(token)) return undefined;
  return findPortalSessionByTokenHash(ctx.store.db, hashSecret(token));
}

export function sessionInfo(session: AuthenticatedSession, publicUrl: string): PortalSessionInfo {
  return {
    mode: session.mode,
    expires_at: session.expires_at,
    return_url: session.return_url,
    // Customers read the brand's name everywhere (emails, login page, portal); `name` stays the legal one.
    business: { ...session.business, display_name: session.business.brand.display_name.trim() || session.business.name },
    customer: session.customer,
    login_url: staticLoginUrl(publicUrl, session.business_id, session.mode),
  };
}

export async function endSession(ctx: ServiceContext, session: AuthenticatedSession): Promise<void> {
  await revokePortalSession(ctx.store.db, session.id, toTimestamp(ctx.clock.now()));
}
