import { CreateProductBody, ProductListQuery } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { AppContext, MerchantEnv } from '../http/env.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { createProduct, getProduct, listProducts } from '../services/products.ts';

/** `/v1/products`: what the business sells. */
export const productRoutes = (_app: AppContext) =>
  new Hono<MerchantEnv>()
    .post('/', async (c) => {
      const body = await jsonBody(c, CreateProductBody.strict());
      return c.json(await createProduct(c.var.ctx, c.get('scope'), body), 201);
    })
    .get('/', async (c) => c.json(await listProducts(c.var.ctx, c.get('scope'), queryParams(c, ProductListQuery.strict()))))
    .get('/:product_id', async (c) => c.json(await getProduct(c.var.ctx, c.get('scope'), c.req.param('product_id'))));
