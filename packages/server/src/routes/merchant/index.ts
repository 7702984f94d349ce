/**
 * The merchant API, mounted at `/v1`: every route behind the business's secret API key, on the
 * key's mode and clock, with `Idempotency-Key` honoured on writes. Never cached.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { merchantAuth } from '../../http/auth.ts';
import type { MerchantEnv } from '../../http/env.ts';
import { idempotency } from '../../http/idempotency.ts';
import { noStore } from '../no-store.ts';
import { businessRoutes } from './business.ts';
import { customerPortalRoutes } from './customer-portal.ts';
import { customerRoutes } from './customers.ts';
import { invoiceRoutes } from './invoices.ts';
import { licenseKeyRoutes } from './license-keys.ts';
import { paymentRoutes } from './payments.ts';
import { productCollectionRoutes } from './product-collections.ts';
import { productRoutes } from './products.ts';
import { refundRoutes } from './refunds.ts';
import { subscriptionRoutes } from './subscriptions.ts';
import { testClockRoutes } from './test-clock.ts';
import { usageEventRoutes } from './usage-events.ts';
import { webhookEndpointRoutes } from './webhook-endpoints.ts';
import type { AppContext } from '../../runtime.ts';

export const merchantApi = (app: AppContext) =>
  new OpenAPIHono<MerchantEnv>()
    .use(noStore, merchantAuth(app), idempotency(app))
    .route('/customers', customerRoutes())
    .route('/customers', customerPortalRoutes())
    .route('/invoices', invoiceRoutes())
    .route('/business', businessRoutes(app))
    .route('/products', productRoutes())
    .route('/product-collections', productCollectionRoutes())
    .route('/subscriptions', subscriptionRoutes())
    .route('/payments', paymentRoutes())
    .route('/refunds', refundRoutes())
    .route('/test-clock', testClockRoutes(app))
    .route('/webhook-endpoints', webhookEndpointRoutes())
    .route('/usage-events', usageEventRoutes())
    .route('/license-keys', licenseKeyRoutes());
