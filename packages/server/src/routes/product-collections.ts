import { CreateProductCollectionBody, ListQuery, UpdateProductCollectionBody } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { AppContext, MerchantEnv } from '../http/env.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { createCollection, getCollection, listCollections, patchCollection } from '../services/collections.ts';

/** `/v1/product-collections`: ordered tiers (lowest first) a subscription can move between. */
export const productCollectionRoutes = (_app: AppContext) =>
  new Hono<MerchantEnv>()
    .post('/', async (c) => {
      const body = await jsonBody(c, CreateProductCollectionBody.strict());
      return c.json(await createCollection(c.var.ctx, c.get('scope'), body), 201);
    })
    .get('/', async (c) => c.json(await listCollections(c.var.ctx, c.get('scope'), queryParams(c, ListQuery.strict()))))
    .get('/:collection_id', async (c) => c.json(await getCollection(c.var.ctx, c.get('scope'), c.req.param('collection_id'))))
    .patch('/:collection_id', async (c) => {
      const body = await jsonBody(c, UpdateProductCollectionBody.strict());
      return c.json(await patchCollection(c.var.ctx, c.get('scope'), c.req.param('collection_id'), body));
    });
