/**
 * msw handlers for the license key vault (issue 7), typed from the wire contract: a small
 * stateful portal API — list (masked), reveal, activations and deactivation change what later
 * calls return — for the component tests and Storybook.
 */
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import { api } from './api.ts';
import type { ErrorBody, LicenseKeyInstance, LicenseKeyInstanceList, PortalLicenseKey, PortalLicenseKeyList } from '@dodo-portal/wire/schemas';
import { EXPIRED_SESSION_TOKEN, MOCK_LOGIN_URL, portalApi } from './portal-api.ts';

/** A license key as the server issues it: groups of five, from an unambiguous alphabet. */
export interface SampleKey {
  view: PortalLicenseKey;
  key: string;
  instances: LicenseKeyInstance[];
}

const mask = (key: string): string => key.replace(/[A-Z0-9](?=[A-Z0-9-]*-)/g, '•');

const instance = (keyId: string, id: string, name: string, created_at: string): LicenseKeyInstance => ({
  license_key_instance_id: id,
  license_key_id: keyId,
  name,
  created_at,
});

function sampleKey(id: string, key: string, product: [string, string], source: PortalLicenseKey['source'], fields: Partial<PortalLicenseKey>, instances: [string, string][] = []): SampleKey {
  const items = instances.map(([name, created], index) => instance(id, `lki_${id.slice(3)}_${index + 1}`, name, created));
  return {
    key,
    instances: items,
    view: {
      license_key_id: id,
      product_id: product[0],
      product: { product_id: product[0], name: product[1] },
      key_masked: mask(key),
      status: 'active',
      activations_limit: 3,
      instances_count: items.length,
      expires_at: null,
      subscription_id: source.subscription_id,
      invoice_id: source.invoice_id,
      payment_id: source.invoice_id ? `pay_${source.invoice_id.slice(4)}` : null,
      created_at: '2025-03-14T12:00:00.000Z',
      source,
      can_deactivate_instances: true,
      ...fields,
    },
  };
}

const subscription = { type: 'subscription', subscription_id: 'sub_pro', invoice_id: null, invoice_number: null } as const;
const purchase = (invoice_id: string, invoice_number: string) => ({ type: 'purchase', subscription_id: null, invoice_id, invoice_number }) as const;

/**
 * Three purchases: a subscription's key (2 of 3 seats, expires with a date), a one-time purchase
 * of two products (one unlimited, one expired), and an older purchase whose key was disabled.
 */
export function sampleLicenseKeys(): SampleKey[] {
  return [
    sampleKey('lk_studio', 'H7KQ2-MX4PA-9TRZC-W3NDF-7KQ2M', ['prod_studio', 'Acme Studio Pro'], subscription, { expires_at: '2027-03-12T00:00:00.000Z' }, [
      ['Ada’s MacBook Pro', '2025-03-15T09:30:00.000Z'],
      ['Studio workstation', '2025-04-02T14:00:00.000Z'],
    ]),
    sampleKey('lk_fonts', 'P4WXD-2HNQ8-LCV6R-KM9TE-B8FJ3', ['prod_fonts', 'Acme Fonts'], purchase('inv_000042', 'INV-000042'), { activations_limit: null }, [
      ['Design laptop', '2025-03-14T12:30:00.000Z'],
    ]),
    sampleKey('lk_plugins', 'R2D2C-3POBB-8X7YZ-Q4W5E-N6M7P', ['prod_plugins', 'Acme Plugin Pack'], purchase('inv_000042', 'INV-000042'), {
      status: 'expired',
      expires_at: '2025-09-14T12:00:00.000Z',
      activations_limit: 1,
    }),
    sampleKey('lk_legacy', 'Z9Y8X-W7V6U-T5S4R-Q3P2N-M1L2K', ['prod_legacy', 'Acme Classic'], purchase('inv_000017', 'INV-000017'), {
      status: 'disabled',
      activations_limit: 2,
    }),
  ];
}

export interface LicenseKeyApiOptions {
  keys?: SampleKey[];
  /** The business's `allow_customer_key_deactivation`. */
  allowDeactivation?: boolean;
}

const errorResponse = (status: number, code: string, message: string, extra: Partial<ErrorBody['error']> = {}) =>
  HttpResponse.json({ error: { code, message, ...extra } } satisfies ErrorBody, { status });

function authFailure(request: Request): Response | null {
  const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
  if (!token) return errorResponse(401, 'unauthorized', 'Missing session token.');
  if (token === EXPIRED_SESSION_TOKEN) return errorResponse(401, 'session_expired', 'The portal session has expired.', { login_url: MOCK_LOGIN_URL });
  return null;
}

/**
 * A working license-key portal API over copies of `keys` (and the rest of the portal API behind
 * it). Deactivating frees a seat; with `allowDeactivation: false` it answers 403
 * `key_deactivation_disabled` and the keys say `can_deactivate_instances: false`.
 */
export function licenseKeyApi({ keys = sampleLicenseKeys(), allowDeactivation = true }: LicenseKeyApiOptions = {}): HttpHandler[] {
  const items = structuredClone(keys);
  const view = (item: SampleKey): PortalLicenseKey => ({ ...item.view, instances_count: item.instances.length, can_deactivate_instances: allowDeactivation });
  const find = (id: unknown) => items.find((item) => item.view.license_key_id === id);
  const notFound = () => errorResponse(404, 'not_found', 'No such license key.');
  return [
    api.get('*/portal/v1/license-keys', ({ request }) => authFailure(request) ?? HttpResponse.json({ items: items.map(view), next_cursor: null } satisfies PortalLicenseKeyList)),
    api.get('*/portal/v1/license-keys/:license_key_id', ({ request, params }) => {
      const item = find(params.license_key_id);
      return authFailure(request) ?? (item ? HttpResponse.json({ ...view(item), key: item.key } satisfies PortalLicenseKey) : notFound());
    }),
    api.get('*/portal/v1/license-keys/:license_key_id/instances', ({ request, params }) => {
      const item = find(params.license_key_id);
      return authFailure(request) ?? (item ? HttpResponse.json({ items: item.instances, next_cursor: null } satisfies LicenseKeyInstanceList) : notFound());
    }),
    api.delete('*/portal/v1/license-keys/:license_key_id/instances/:instance_id', ({ request, params }) => {
      const failure = authFailure(request);
      if (failure) return failure;
      const item = find(params.license_key_id);
      if (!item) return notFound();
      if (!allowDeactivation) return errorResponse(403, 'key_deactivation_disabled', 'This business does not let customers deactivate keys.');
      const index = item.instances.findIndex((seat) => seat.license_key_instance_id === params.instance_id);
      if (index < 0) return errorResponse(404, 'not_found', 'No such activation.');
      item.instances.splice(index, 1);
      return new HttpResponse(null, { status: 204 });
    }),
    ...portalApi(),
  ];
}

/** The states of `<dodo-key-vault>`. */
export const licenseKeyScenarios = {
  keys: (): HttpHandler[] => licenseKeyApi(),
  empty: (): HttpHandler[] => licenseKeyApi({ keys: [] }),
  deactivationDisabled: (): HttpHandler[] => licenseKeyApi({ allowDeactivation: false }),
  /** The list never arrives: the skeleton stays on screen. */
  loading: (): HttpHandler[] => [
    api.get('*/portal/v1/license-keys', async () => {
      await delay('infinite');
      return HttpResponse.json({ items: [], next_cursor: null } satisfies PortalLicenseKeyList);
    }),
    ...portalApi(),
  ],
  serverError: (): HttpHandler[] => [api.get('*/portal/v1/license-keys', () => errorResponse(500, 'internal_error', 'Something went wrong.')), ...portalApi()],
  /** Every call answers 401 `session_expired`. */
  expired: (): HttpHandler[] => [http.all('*/portal/v1/*', () => errorResponse(401, 'session_expired', 'The portal session has expired.', { login_url: MOCK_LOGIN_URL }))],
} satisfies Record<string, () => HttpHandler[]>;
