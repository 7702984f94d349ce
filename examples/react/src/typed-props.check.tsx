/**
 * Compile-time proof that the wrappers are typed (checked by `tsc --noEmit`, never bundled):
 * each `@ts-expect-error` must meet a real error, or tsc fails on the unused directive.
 */
import { DodoInvoiceList } from '@dodo-portal/elements/react/invoice-list';
import { DodoPortal } from '@dodo-portal/elements/react/portal';
import { DodoSubscriptionManager } from '@dodo-portal/elements/react/subscription-manager';

export const checks = (
  <DodoPortal apiBase="https://portal.example.com" sessionToken="tok" theme="dark" onDodoSessionExpired={(event) => event.detail.code.toUpperCase()}>
    {/* @ts-expect-error pageSize is a number, not a string. */}
    <DodoInvoiceList pageSize="ten" />
    {/* @ts-expect-error theme is 'light' | 'dark'. */}
    <DodoPortal theme="blue" />
    {/* @ts-expect-error the element has no such event. */}
    <DodoInvoiceList onDodoPlanChanged={() => undefined} />
    <DodoSubscriptionManager
      onDodoSubscriptionCancelled={(event) => {
        // The detail is the wire type: a subscription with its product.
        const name: string = event.detail.subscription.product.name;
        // @ts-expect-error the detail has no `plan` field.
        return name + event.detail.plan;
      }}
    />
  </DodoPortal>
);
