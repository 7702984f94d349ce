import { AttachPaymentMethodBody, DeletePaymentMethodBody } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { PortalEnv } from '../http/env.ts';
import { jsonBody } from '../http/validate.ts';
import { addPortalPaymentMethod, deletePortalPaymentMethod, listPortalPaymentMethods, setDefaultPortalPaymentMethod } from '../services/portal-payment-methods.ts';
import { withScopeClock } from '../services/scope-clock.ts';
import type { AppContext } from '../runtime.ts';

/**
 * `/portal/v1/payment-methods`: the session customer's saved cards. Cards arrive as processor
 * tokens (`POST /sandbox/v1/tokens` in test mode), never as numbers.
 */
export const portalPaymentMethodRoutes = (app: AppContext) =>
  new Hono<PortalEnv>()
    .get('/', async (c) => {
      const session = c.get('session');
      return c.json(await listPortalPaymentMethods(app, session.scope, session.customer_id));
    })
    .post('/', async (c) => {
      const session = c.get('session');
      const body = await jsonBody(c, AttachPaymentMethodBody.strict());
      const ctx = await withScopeClock(app, session.scope);
      const { method, created } = await addPortalPaymentMethod(ctx, session.scope, session.customer_id, body.card_token);
      return c.json(method, created ? 201 : 200);
    })
    .post('/:payment_method_id/default', async (c) => {
      const session = c.get('session');
      return c.json(await setDefaultPortalPaymentMethod(app, session.scope, session.customer_id, c.req.param('payment_method_id')));
    })
    .delete('/:payment_method_id', async (c) => {
      const session = c.get('session');
      // An empty body is fine for a card no live subscription uses.
      const body = await jsonBody(c, DeletePaymentMethodBody, { optional: true });
      const ctx = await withScopeClock(app, session.scope);
      await deletePortalPaymentMethod(ctx, session.scope, session.customer_id, c.req.param('payment_method_id'), body.replacements);
      return c.body(null, 204);
    });
