import { portalRoutes as P } from '@dodo-portal/wire/routes';
import type { PortalEnv } from '../../http/env.ts';
import { getDues, setSubscriptionPaymentMethod } from '../../services/dues.ts';
import { requireOwnSubscription } from '../../services/portal-subscriptions.ts';
import { withScopeClock } from '../../services/scope-clock.ts';
import { bodyOf, contractRoutes } from '../contract-routes.ts';
import type { AppContext } from '../../runtime.ts';

/**
 * `/portal/v1/subscriptions/{id}/dues` and `…/payment-method`: on-hold recovery and switching the
 * card of the session customer's subscription (anyone else's: 404). Mounted on
 * `/portal/v1/subscriptions`, where `Idempotency-Key` is honoured per customer.
 */
export const duesRoutes = (app: AppContext) =>
  contractRoutes<PortalEnv>('/portal/v1/subscriptions')
    .on(P.getDues, async (c) => {
      const session = c.get('session');
      const ctx = await withScopeClock(app, session.scope);
      return c.json(await getDues(ctx, session.scope, session.customer_id, c.req.param('subscription_id')));
    })
    .on(P.setSubscriptionPaymentMethod, async (c) => {
      const session = c.get('session');
      // Test mode: the payment, the invoice and the new period are dated on the business's test clock.
      const ctx = await withScopeClock(app, session.scope);
      // Someone else's subscription is 404 whatever the body says.
      await requireOwnSubscription(ctx, session.scope, session.customer_id, c.req.param('subscription_id'));
      const body = await bodyOf(c, P.setSubscriptionPaymentMethod);
      return c.json(await setSubscriptionPaymentMethod(ctx, session.scope, session.customer_id, c.req.param('subscription_id'), body.payment_method_id));
    }).app;
