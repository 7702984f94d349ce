import { AdvanceTestClockBody } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { MerchantEnv } from '../http/env.ts';
import { jsonBody } from '../http/validate.ts';
import { advanceTestClock, getTestClock } from '../services/test-clock.ts';
import { deliverDueWebhooks } from '../services/webhooks.ts';
import type { AppContext } from '../runtime.ts';

/** `/v1/test-clock`: the business's frozen test-mode time (test keys only; 403 with a live key). */
export const testClockRoutes = (app: AppContext) =>
  new Hono<MerchantEnv>()
    .get('/', async (c) => c.json(await getTestClock(app, c.get('scope'))))
    .post('/advance', async (c) => {
      const body = await jsonBody(c, AdvanceTestClockBody);
      const scope = c.get('scope');
      // `app` runs on the real clock: the advance reads and moves the test clock itself.
      const advanced = await advanceTestClock(app, scope, body);
      // What fell due includes the webhooks of what just happened: post them before answering.
      await deliverDueWebhooks(app, { scope });
      return c.json(advanced);
    });
