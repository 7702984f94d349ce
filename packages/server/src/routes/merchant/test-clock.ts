import { merchantRoutes as M } from '@dodo-portal/wire/routes';
import type { MerchantEnv } from '../../http/env.ts';
import { advanceTestClock, getTestClock } from '../../services/test-clock.ts';
import { deliverDueWebhooks } from '../../services/webhooks.ts';
import { bodyOf, contractRoutes } from '../contract-routes.ts';
import type { AppContext } from '../../runtime.ts';

/** `/v1/test-clock`: the business's frozen test-mode time (test keys only; 403 with a live key). */
export const testClockRoutes = (app: AppContext) =>
  contractRoutes<MerchantEnv>('/v1/test-clock')
    .on(M.getTestClock, async (c) => c.json(await getTestClock(app, c.get('scope'))))
    .on(M.advanceTestClock, async (c) => {
      const body = await bodyOf(c, M.advanceTestClock);
      const scope = c.get('scope');
      // `app` runs on the real clock: the advance reads and moves the test clock itself.
      const advanced = await advanceTestClock(app, scope, body);
      // What fell due includes the webhooks of what just happened: post them before answering.
      await deliverDueWebhooks(app, { scope });
      return c.json(advanced);
    }).app;
