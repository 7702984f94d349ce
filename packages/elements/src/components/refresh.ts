// The payment-method editor (migrated separately) still imports it from here; it lives in src/controllers/.
export { RefreshController } from '../controllers/refresh.ts';
