import { CreateCustomerBody, CustomerListQuery } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { AppContext, MerchantEnv } from '../http/env.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { createCustomer, getCustomer, listCustomers } from '../services/customers.ts';

/** `/v1/customers`: the merchant's customers, per business and mode. */
export const customerRoutes = (app: AppContext) =>
  new Hono<MerchantEnv>()
    .post('/', async (c) => {
      const body = await jsonBody(c, CreateCustomerBody.strict());
      return c.json(await createCustomer(app, c.get('scope'), body), 201);
    })
    .get('/', async (c) => {
      const query = queryParams(c, CustomerListQuery.strict());
      return c.json(await listCustomers(app, c.get('scope'), query));
    })
    .get('/:customer_id', async (c) => c.json(await getCustomer(app, c.get('scope'), c.req.param('customer_id'))));
