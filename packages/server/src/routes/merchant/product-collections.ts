import { merchantRoutes as M } from '@dodo-portal/wire/routes';
import type { MerchantEnv } from '../../http/env.ts';
import { createCollection, getCollection, listCollections, patchCollection } from '../../services/collections.ts';
import { bodyOf, contractRoutes, queryOf } from '../contract-routes.ts';

/** `/v1/product-collections`: ordered tiers (lowest first) a subscription can move between. */
export const productCollectionRoutes = () =>
  contractRoutes<MerchantEnv>('/v1/product-collections')
    .on(M.createProductCollection, async (c) => c.json(await createCollection(c.var.ctx, c.get('scope'), await bodyOf(c, M.createProductCollection)), 201))
    .on(M.listProductCollections, async (c) => c.json(await listCollections(c.var.ctx, c.get('scope'), queryOf(c, M.listProductCollections))))
    .on(M.getProductCollection, async (c) => c.json(await getCollection(c.var.ctx, c.get('scope'), c.req.param('collection_id'))))
    .on(M.updateProductCollection, async (c) => c.json(await patchCollection(c.var.ctx, c.get('scope'), c.req.param('collection_id'), await bodyOf(c, M.updateProductCollection)))).app;
