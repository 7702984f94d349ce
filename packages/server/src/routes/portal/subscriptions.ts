import { portalRoutes as P } from '@dodo-portal/wire/routes';
import type { Context } from 'hono';
import type { PortalEnv } from '../../http/env.ts';
import { localizeInvoice, localizeLines } from '../../domain/line-descriptions.ts';
import { readerLocale } from '../../http/reader-locale.ts';
import { changePlan, planOptions, previewPlanChange } from '../../services/plan-changes.ts';
import { cancelPortalSubscription, getPortalSubscription, listPortalSubscriptions, requireOwnSubscription, resumePortalSubscription } from '../../services/portal-subscriptions.ts';
import { withScopeClock } from '../../services/scope-clock.ts';
import { bodyOf, contractRoutes, queryOf } from '../contract-routes.ts';
import type { AppContext } from '../../runtime.ts';

/**
 * `/portal/v1/subscriptions`: the session customer's subscriptions, their cancellation and plan
 * changes. Another customer's subscription is `not_found`. Requests run on the mode's clock (the
 * business's test clock in test mode), so previews and charges follow `POST /v1/test-clock/advance`.
 */
export const subscriptionRoutes = (app: AppContext) => {
  const on = async (c: Context<PortalEnv>) => {
    const session = c.get('session');
    return { ctx: await withScopeClock(app, session.scope), scope: session.scope, customerId: session.customer_id, id: c.req.param('subscription_id') ?? '' };
  };
  /** For writes with a body: someone else's subscription is 404 whatever the body says. */
  const owned = async (c: Context<PortalEnv>) => {
    const target = await on(c);
    await requireOwnSubscription(target.ctx, target.scope, target.customerId, target.id);
    return target;
  };
  return contractRoutes<PortalEnv>('/portal/v1/subscriptions')
    .on(P.listPortalSubscriptions, async (c) => {
      const { ctx, scope, customerId } = await on(c);
      return c.json(await listPortalSubscriptions(ctx, scope, customerId, queryOf(c, P.listPortalSubscriptions)));
    })
    .on(P.getPortalSubscription, async (c) => {
      const { ctx, scope, customerId, id } = await on(c);
      return c.json(await getPortalSubscription(ctx, scope, customerId, id));
    })
    .on(P.cancelPortalSubscription, async (c) => {
      const { ctx, scope, customerId, id } = await owned(c);
      const body = await bodyOf(c, P.cancelPortalSubscription);
      return c.json(await cancelPortalSubscription(ctx, scope, customerId, id, body));
    })
    .on(P.resumePortalSubscription, async (c) => {
      const { ctx, scope, customerId, id } = await on(c);
      return c.json(await resumePortalSubscription(ctx, scope, customerId, id));
    })
    .on(P.getPlanOptions, async (c) => {
      const { ctx, scope, customerId, id } = await on(c);
      return c.json(await planOptions(ctx, scope, customerId, id));
    })
    .on(P.previewPlanChange, async (c) => {
      const { ctx, scope, customerId, id } = await owned(c);
      const body = await bodyOf(c, P.previewPlanChange);
      const preview = await previewPlanChange(ctx, scope, customerId, id, body);
      const locale = readerLocale(c);
      return c.json({ ...preview, immediate_charge: { ...preview.immediate_charge, line_items: localizeLines(preview.immediate_charge.line_items, locale) } });
    })
    .on(P.changePlan, async (c) => {
      const { ctx, scope, customerId, id } = await owned(c);
      const body = await bodyOf(c, P.changePlan);
      const result = await changePlan(ctx, scope, customerId, id, body);
      return c.json({ ...result, invoice: result.invoice && localizeInvoice(result.invoice, readerLocale(c)) });
    }).app;
};
