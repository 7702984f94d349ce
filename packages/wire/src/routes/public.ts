/**
 * The API calls that take no merchant key and no session: the public license API (the license
 * key is the credential) and the sandbox's client-side card tokenization.
 */
import { Bodies, Components } from './components.ts';
import type { RouteContract } from './contract.ts';

export const publicRoutes = {
  activateLicense: {
    method: 'post',
    path: '/v1/licenses/activate',
    operationId: 'activateLicense',
    tag: 'Licenses',
    auth: 'none',
    rateLimited: true,
    summary: 'Activate a license key on a machine',
    description: "Called by the merchant's software with the license key as the only credential. Not meant for browsers (no CORS).",
    body: { schema: Bodies.ActivateLicenseBody },
    responses: { 201: { description: 'The new activation.', schema: Components.LicenseActivated } },
    errors: { 404: ['not_found'], 422: ['activation_limit_reached', 'license_key_inactive'] },
  },
  validateLicense: {
    method: 'post',
    path: '/v1/licenses/validate',
    operationId: 'validateLicense',
    tag: 'Licenses',
    auth: 'none',
    rateLimited: true,
    summary: 'Check a license key (and optionally one activation)',
    body: { schema: Bodies.ValidateLicenseBody },
    responses: { 200: { description: 'The validation result.', schema: Components.LicenseValidation } },
    errors: { 404: ['not_found'] },
  },
  deactivateLicense: {
    method: 'post',
    path: '/v1/licenses/deactivate',
    operationId: 'deactivateLicense',
    tag: 'Licenses',
    auth: 'none',
    rateLimited: true,
    summary: 'Deactivate one activation of a license key',
    body: { schema: Bodies.DeactivateLicenseBody },
    responses: { 204: { description: 'Deactivated.', schema: null } },
    errors: { 404: ['not_found'] },
  },
  createCardToken: {
    method: 'post',
    path: '/sandbox/v1/tokens',
    operationId: 'createCardToken',
    tag: 'Sandbox',
    auth: 'none',
    rateLimited: true,
    summary: 'Tokenize a test card (test mode)',
    description:
      'Client-side tokenization: the browser sends the card here and hands the token to the merchant. Luhn, expiry and CVC are checked; the number and CVC are never stored or logged. Test cards: `4242424242424242` (Visa) and `5555555555554444` (Mastercard) succeed; `4000000000000002` declines (`card_declined`), `4000000000009995` (`insufficient_funds`), `4000000000000119` (`processing_error`); `4000000000000341` passes the verification when saved but every charge fails. The declining cards are refused when saved (402 `payment_failed`).',
    body: { schema: Bodies.CreateCardTokenBody },
    responses: { 201: { description: 'The card token.', schema: Components.CardTokenCreated } },
    errors: { 400: ['invalid_card'] },
  },
} as const satisfies Record<string, RouteContract>;
