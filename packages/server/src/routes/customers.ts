import { AttachPaymentMethodBody, CreateCustomerBody, CustomerListQuery, UpdateCustomerBody } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { AppContext, MerchantEnv } from '../http/env.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { createCustomer, getCustomer, listCustomers, patchCustomer } from '../services/customers.ts';
import { attachPaymentMethod } from '../services/payment-methods.ts';

/** `/v1/customers`: the merchant's customers, per business and mode. */
export const customerRoutes = (_app: AppContext) =>
  new Hono<MerchantEnv>()
    .post('/', async (c) => {
      const body = await jsonBody(c, CreateCustomerBody.strict());
      return c.json(await createCustomer(c.var.ctx, c.get('scope'), body), 201);
    })
    .get('/', async (c) => {
      const query = queryParams(c, CustomerListQuery.strict());
      return c.json(await listCustomers(c.var.ctx, c.get('scope'), query));
    })
    .get('/:customer_id', async (c) => c.json(await getCustomer(c.var.ctx, c.get('scope'), c.req.param('customer_id'))))
    .patch('/:customer_id', async (c) => {
      const body = await jsonBody(c, UpdateCustomerBody.strict());
      return c.json(await patchCustomer(c.var.ctx, c.get('scope'), c.req.param('customer_id'), body));
    })
    .post('/:customer_id/payment-methods', async (c) => {
      const body = await jsonBody(c, AttachPaymentMethodBody.strict());
      const { method, created } = await attachPaymentMethod(c.var.ctx, c.get('scope'), c.req.param('customer_id'), body.card_token);
      return c.json(method, created ? 201 : 200);
    });
