import { merchantRoutes as M } from '@dodo-portal/wire/routes';
import type { MerchantEnv } from '../../http/env.ts';
import { createProduct, getProduct, listProducts } from '../../services/products.ts';
import { bodyOf, contractRoutes, queryOf } from '../contract-routes.ts';

/** `/v1/products`: what the business sells. */
export const productRoutes = () =>
  contractRoutes<MerchantEnv>('/v1/products')
    .on(M.createProduct, async (c) => c.json(await createProduct(c.var.ctx, c.get('scope'), await bodyOf(c, M.createProduct)), 201))
    .on(M.listProducts, async (c) => c.json(await listProducts(c.var.ctx, c.get('scope'), queryOf(c, M.listProducts))))
    .on(M.getProduct, async (c) => c.json(await getProduct(c.var.ctx, c.get('scope'), c.req.param('product_id')))).app;
