import { useState } from 'react';
// One entry per element: the bundle carries only these (each entry registers its tag).
import { DodoInvoiceList } from '@dodo-portal/elements/react/invoice-list';
import { DodoPortal } from '@dodo-portal/elements/react/portal';
import { DodoSubscriptionManager } from '@dodo-portal/elements/react/subscription-manager';
import type { SessionExpiredEvent, SubscriptionCancelledEvent } from '@dodo-portal/elements';

export interface AppProps {
  apiBase: string;
  sessionToken: string;
}

/** The merchant's billing page: its own layout and messages around the portal's elements. */
export function App({ apiBase, sessionToken }: AppProps) {
  const [notice, setNotice] = useState('');

  // Typed handlers: `event.detail` is the element's documented payload.
  const onSessionExpired = (event: SessionExpiredEvent) => setNotice(`Your billing session has ended (${event.detail.code}). Reload the page from your account to continue.`);
  const onCancelled = (event: SubscriptionCancelledEvent) => {
    const { product, cancel_at_period_end } = event.detail.subscription;
    setNotice(cancel_at_period_end ? `${product.name} ends at the end of this billing period.` : `${product.name} is cancelled.`);
  };

  return (
    <main>
      <h1>Your billing</h1>
      <p role="status" className="notice" hidden={!notice}>
        {notice}
      </p>
      <DodoPortal apiBase={apiBase} sessionToken={sessionToken} onDodoSessionExpired={onSessionExpired}>
        <section>
          <h2>Subscriptions</h2>
          <DodoSubscriptionManager onDodoSubscriptionCancelled={onCancelled} />
        </section>
        <section>
          <h2>Invoices</h2>
          <DodoInvoiceList pageSize={10} />
        </section>
      </DodoPortal>
    </main>
  );
}
