import { SetSubscriptionPaymentMethodBody } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { PortalEnv } from '../http/env.ts';
import { jsonBody } from '../http/validate.ts';
import { getDues, setSubscriptionPaymentMethod } from '../services/dues.ts';
import { requireOwnSubscription } from '../services/portal-subscriptions.ts';
import { withScopeClock } from '../services/scope-clock.ts';
import type { AppContext } from '../runtime.ts';

/**
 * `/portal/v1/subscriptions/{id}/dues` and `…/payment-method`: on-hold recovery and switching the
 * card of the session customer's subscription (anyone else's: 404). Mounted on
 * `/portal/v1/subscriptions`, where `Idempotency-Key` is honoured per customer.
 */
export const portalDuesRoutes = (app: AppContext) =>
  new Hono<PortalEnv>()
    .get('/:subscription_id/dues', async (c) => {
      const session = c.get('session');
      const ctx = await withScopeClock(app, session.scope);
      return c.json(await getDues(ctx, session.scope, session.customer_id, c.req.param('subscription_id')));
    })
    .post('/:subscription_id/payment-method', async (c) => {
      const session = c.get('session');
      // Test mode: the payment, the invoice and the new period are dated on the business's test clock.
      const ctx = await withScopeClock(app, session.scope);
      // Someone else's subscription is 404 whatever the body says.
      await requireOwnSubscription(ctx, session.scope, session.customer_id, c.req.param('subscription_id'));
      const body = await jsonBody(c, SetSubscriptionPaymentMethodBody);
      return c.json(await setSubscriptionPaymentMethod(ctx, session.scope, session.customer_id, c.req.param('subscription_id'), body.payment_method_id));
    });
