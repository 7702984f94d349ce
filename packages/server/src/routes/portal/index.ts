/**
 * The customer portal API, mounted at `/portal/v1`: CORS for the merchant's allowed origins on
 * every answer, never cached. Signing in needs no token; the unified portal takes its own; every
 * other route is behind a portal session token, scoped to its customer, with `Idempotency-Key`
 * honoured per customer on the writes that charge (plan changes, dues, paying an invoice).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { portalAuth } from '../../http/auth.ts';
import { portalCors } from '../../http/cors.ts';
import type { PortalEnv } from '../../http/env.ts';
import { portalIdempotency } from '../../http/idempotency.ts';
import { noStore } from '../no-store.ts';
import { duesRoutes } from './dues.ts';
import { invoiceRoutes } from './invoices.ts';
import { licenseKeyRoutes } from './license-keys.ts';
import { paymentMethodRoutes } from './payment-methods.ts';
import { paymentRoutes } from './payments.ts';
import { profileRoutes } from './profile.ts';
import { sessionRoutes } from './session.ts';
import { signInRoutes } from './sign-in.ts';
import { subscriptionRoutes } from './subscriptions.ts';
import { unifiedRoutes } from './unified.ts';
import type { AppContext } from '../../runtime.ts';

export const portalApi = (app: AppContext) =>
  new OpenAPIHono<PortalEnv>()
    .use(portalCors(app), noStore)
    // Answered before the session check below: these authenticate (or not) on their own.
    .route('/', signInRoutes(app))
    .route('/unified', unifiedRoutes(app))
    .use(portalAuth(app))
    .use('/subscriptions/*', portalIdempotency(app))
    .use('/invoices/*', portalIdempotency(app))
    .route('/payments', paymentRoutes(app))
    .route('/subscriptions', subscriptionRoutes(app))
    .route('/subscriptions', duesRoutes(app))
    .route('/payment-methods', paymentMethodRoutes(app))
    .route('/profile', profileRoutes(app))
    .route('/session', sessionRoutes(app))
    .route('/invoices', invoiceRoutes(app))
    .route('/license-keys', licenseKeyRoutes(app));
