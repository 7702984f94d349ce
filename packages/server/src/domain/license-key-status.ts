/** The status a license key has at an instant. Pure: the record's fields and the time decide. */
import type { LicenseKeyStatus, SubscriptionStatus } from '@dodo-portal/wire/schemas';
import { toTimestamp } from './ports.ts';

export interface LicenseKeyState {
  /** What the merchant set. */
  status: 'active' | 'disabled';
  /** The status of the subscription the key came from; null for a one-time purchase. */
  subscription_status: SubscriptionStatus | null;
  /** A timestamp (domain/ports.ts `toTimestamp`), or null: never expires. */
  expires_at: string | null;
}

/**
 * The merchant's `disabled` first, then the subscription's end (cancelled or expired disables its
 * keys; on hold does not), then expiry: `expired` from `expires_at` on.
 */
export function licenseKeyStatus(key: LicenseKeyState, now: Date): LicenseKeyStatus {
  if (key.status === 'disabled') return 'disabled';
  if (key.subscription_status === 'cancelled' || key.subscription_status === 'expired') return 'disabled';
  if (key.expires_at !== null && key.expires_at <= toTimestamp(now)) return 'expired';
  return 'active';
}
