/** The in-code migration list, applied in key order on every open. Append; never rename or edit. */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial.ts';
import * as m0002 from './0002_billing.ts';
import * as m0003 from './0003_portal_access.ts';
import * as m0004 from './0004_portal_access_2.ts';
import * as m0005 from './0005_billing_2.ts';
import * as m0006 from './0006_refunds.ts';
import * as m0007 from './0007_plan_changes.ts';
import * as m0009 from './0009_license_keys.ts';
import * as m0010 from './0010_sandbox_refunds.ts';
import * as m0011 from './0011_reliability.ts';
import * as m0012 from './0012_idempotency_leases.ts';
import * as m0013 from './0013_session_revocation.ts';
import * as m0014 from './0014_mail_queue.ts';
import * as m0015 from './0015_line_tax_rates.ts';
import * as m0016 from './0016_invoice_pay.ts';
import * as m0017 from './0017_line_descriptions.ts';
import * as m0018 from './0018_billing_lock.ts';
import * as m0019 from './0019_rate_limits.ts';
import * as m0020 from './0020_invoice_customer_keyset.ts';

export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_billing': m0002,
  '0003_portal_access': m0003,
  '0004_portal_access_2': m0004,
  '0005_billing_2': m0005,
  '0006_refunds': m0006,
  '0007_plan_changes': m0007,
  '0009_license_keys': m0009,
  '0010_sandbox_refunds': m0010,
  '0011_reliability': m0011,
  '0012_idempotency_leases': m0012,
  '0013_session_revocation': m0013,
  '0014_mail_queue': m0014,
  '0015_line_tax_rates': m0015,
  '0016_invoice_pay': m0016,
  '0017_line_descriptions': m0017,
  '0018_billing_lock': m0018,
  '0019_rate_limits': m0019,
  '0020_invoice_customer_keyset': m0020,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
