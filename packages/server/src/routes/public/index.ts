/**
 * What needs no merchant key and no portal session: the public license API (the license key is
 * the credential), the sandbox's card tokenization, the hosted pages and the CDN bundle, the
 * OpenAPI document and the health check. Mounted before the merchant API, whose key check covers
 * the rest of `/v1`.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { BaseEnv } from '../../http/env.ts';
import { notFoundHandler } from '../../http/errors.ts';
import { noStore } from '../no-store.ts';
import { healthRoutes } from './health.ts';
import { hostedAccessRoutes } from './hosted-access.ts';
import { hostedRoutes } from './hosted.ts';
import { licenseRoutes } from './licenses.ts';
import { openApiRoutes } from './openapi.ts';
import { sandboxRoutes } from './sandbox.ts';
import type { AppContext } from '../../runtime.ts';

export const publicApi = (app: AppContext) =>
  new OpenAPIHono<BaseEnv>()
    // All of `/v1/licenses` is public: an unknown path there is 404, not the merchant key check.
    .route('/v1/licenses', new OpenAPIHono<BaseEnv>().use(noStore).route('/', licenseRoutes(app)).all('*', notFoundHandler))
    .route('/sandbox/v1', sandboxRoutes(app))
    .route('/healthz', healthRoutes(app))
    .route('/openapi.json', openApiRoutes(app))
    .route('/', hostedRoutes(app))
    .route('/', hostedAccessRoutes(app));
