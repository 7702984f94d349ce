import { portalRoutes as P } from '@dodo-portal/wire/routes';
import type { PortalEnv } from '../../http/env.ts';
import { addPortalPaymentMethod, deletePortalPaymentMethod, listPortalPaymentMethods, setDefaultPortalPaymentMethod } from '../../services/portal-payment-methods.ts';
import { withScopeClock } from '../../services/scope-clock.ts';
import { bodyOf, contractRoutes } from '../contract-routes.ts';
import type { AppContext } from '../../runtime.ts';

/**
 * `/portal/v1/payment-methods`: the session customer's saved cards. Cards arrive as processor
 * tokens (`POST /sandbox/v1/tokens` in test mode), never as numbers.
 */
export const paymentMethodRoutes = (app: AppContext) =>
  contractRoutes<PortalEnv>('/portal/v1/payment-methods')
    .on(P.listPortalPaymentMethods, async (c) => {
      const session = c.get('session');
      return c.json(await listPortalPaymentMethods(app, session.scope, session.customer_id));
    })
    .on(P.addPortalPaymentMethod, async (c) => {
      const session = c.get('session');
      const body = await bodyOf(c, P.addPortalPaymentMethod);
      const ctx = await withScopeClock(app, session.scope);
      const { method, created } = await addPortalPaymentMethod(ctx, session.scope, session.customer_id, body.card_token);
      return c.json(method, created ? 201 : 200);
    })
    .on(P.setDefaultPortalPaymentMethod, async (c) => {
      const session = c.get('session');
      return c.json(await setDefaultPortalPaymentMethod(app, session.scope, session.customer_id, c.req.param('payment_method_id')));
    })
    .on(P.deletePortalPaymentMethod, async (c) => {
      const session = c.get('session');
      // An empty body is fine for a card no live subscription uses.
      const body = await bodyOf(c, P.deletePortalPaymentMethod);
      const ctx = await withScopeClock(app, session.scope);
      await deletePortalPaymentMethod(ctx, session.scope, session.customer_id, c.req.param('payment_method_id'), body.replacements);
      return c.body(null, 204);
    }).app;
