import { CancelSubscriptionBody, ChangePlanBody, ListQuery } from '@dodo-portal/wire/schemas';
import { Hono, type Context } from 'hono';
import type { PortalEnv } from '../http/env.ts';
import { localizeInvoice, localizeLines } from '../domain/line-descriptions.ts';
import { readerLocale } from '../http/reader-locale.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { changePlan, planOptions, previewPlanChange } from '../services/plan-changes.ts';
import {
  cancelPortalSubscription,
  getPortalSubscription,
  listPortalSubscriptions,
  requireOwnSubscription,
  resumePortalSubscription,
} from '../services/portal-subscriptions.ts';
import { withScopeClock } from '../services/scope-clock.ts';
import type { AppContext } from '../runtime.ts';

/**
 * `/portal/v1/subscriptions`: the session customer's subscriptions, their cancellation and plan
 * changes. Another customer's subscription is `not_found`. Requests run on the mode's clock (the
 * business's test clock in test mode), so previews and charges follow `POST /v1/test-clock/advance`.
 */
export const portalSubscriptionRoutes = (app: AppContext) => {
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
  return new Hono<PortalEnv>()
    .get('/', async (c) => {
      const { ctx, scope, customerId } = await on(c);
      return c.json(await listPortalSubscriptions(ctx, scope, customerId, queryParams(c, ListQuery.strict())));
    })
    .get('/:subscription_id', async (c) => {
      const { ctx, scope, customerId, id } = await on(c);
      return c.json(await getPortalSubscription(ctx, scope, customerId, id));
    })
    .post('/:subscription_id/cancel', async (c) => {
      const { ctx, scope, customerId, id } = await owned(c);
      const body = await jsonBody(c, CancelSubscriptionBody, { optional: true });
      return c.json(await cancelPortalSubscription(ctx, scope, customerId, id, body));
    })
    .post('/:subscription_id/resume', async (c) => {
      const { ctx, scope, customerId, id } = await on(c);
      return c.json(await resumePortalSubscription(ctx, scope, customerId, id));
    })
    .get('/:subscription_id/plan-options', async (c) => {
      const { ctx, scope, customerId, id } = await on(c);
      return c.json(await planOptions(ctx, scope, customerId, id));
    })
    .post('/:subscription_id/change-plan/preview', async (c) => {
      const { ctx, scope, customerId, id } = await owned(c);
      const body = await jsonBody(c, ChangePlanBody);
      const preview = await previewPlanChange(ctx, scope, customerId, id, body);
      const locale = readerLocale(c);
      return c.json({ ...preview, immediate_charge: { ...preview.immediate_charge, line_items: localizeLines(preview.immediate_charge.line_items, locale) } });
    })
    .post('/:subscription_id/change-plan', async (c) => {
      const { ctx, scope, customerId, id } = await owned(c);
      const body = await jsonBody(c, ChangePlanBody);
      const result = await changePlan(ctx, scope, customerId, id, body);
      return c.json({ ...result, invoice: result.invoice && localizeInvoice(result.invoice, readerLocale(c)) });
    });
};
