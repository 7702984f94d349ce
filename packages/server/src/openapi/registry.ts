/**
 * The vocabulary of the API description: the named schemas (each component name is one wire
 * schema object) and the route contracts the app serves (`@dodo-portal/wire/routes`). The
 * OpenAPI document is built from them in document.ts.
 */
import { Bodies, Components, merchantRoutes, portalRoutes, publicRoutes, type RouteContract } from '@dodo-portal/wire/routes';
import type { z } from 'zod';
import { WebhookPayloads } from './webhook-payloads.ts';

/** Response bodies, shared blocks and webhook payloads, by component name (in document order). */
export const ResponseSchemas = { ...Components, ...WebhookPayloads } satisfies Record<string, z.ZodType>;
export type ResponseName = keyof typeof ResponseSchemas;

/** Request bodies, exactly as the routes parse them. */
export const RequestSchemas = Bodies;

/** Every API route the app serves, by audience: what the document describes. */
export const operations: readonly RouteContract[] = [...Object.values(merchantRoutes), ...Object.values(publicRoutes), ...Object.values(portalRoutes)];

/** The path parameters, with what they are; every `{param}` of a path must be here. */
export const PathParams: Record<string, string> = {
  customer_id: 'The customer.',
  invoice_id: 'The invoice.',
  product_id: 'The product.',
  collection_id: 'The product collection.',
  subscription_id: 'The subscription.',
  payment_id: 'The payment.',
  refund_id: 'The refund.',
  webhook_endpoint_id: 'The webhook endpoint.',
  license_key_id: 'The license key.',
  instance_id: 'The activation (license key instance).',
  payment_method_id: 'The saved card.',
  business_id: 'The business.',
};
