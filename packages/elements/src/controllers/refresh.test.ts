import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../define/dodo-plan-switcher.ts';
import '../define/dodo-profile.ts';
import '../define/dodo-transaction-list.ts';
import type { PortalChangedEvent } from '../events.ts';
import { MOCK_API_BASE, MOCK_SESSION_TOKEN, paymentsApi, samplePaymentInvoices, samplePayments, subscriptionApi } from '../mocks/handlers.ts';
import { apiRequests, button, click, invoiceNumbers, shadow, startMocks, text, useHandlers, waitForRows, waitForText } from '../test/harness.ts';
import type { DodoInvoiceList } from '../components/invoice-list/invoice-list.ts';
import type { DodoTransactionList } from '../components/transaction-list/transaction-list.ts';
import { listen } from '../components/subscription-manager/subscriptions.harness.ts';

/** One server: a charged plan change adds its invoice and payment to the lists it serves. */
function billingApi() {
  const ledger = { invoices: samplePaymentInvoices(), payments: samplePayments() };
  useHandlers([...subscriptionApi({ ledger }), ...paymentsApi(ledger)]);
}

const amounts = (list: DodoTransactionList): string[] => [...shadow(list).querySelectorAll('tr[part="row"]')].map((row) => text(row.querySelectorAll('th, td')[3]));

async function upgradeToEnterprise(switcher: Element): Promise<void> {
  await waitForText(switcher, 'Enterprise');
  shadow(switcher).querySelector<HTMLInputElement>('input[value="prod_enterprise"]')!.click();
  await waitUntil(() => shadow(switcher).querySelector('[part="confirm"]'), 'no confirm button', { timeout: 5_000 });
  click(button(switcher, 'Confirm and pay $37.50'));
  await waitForText(switcher, "You're now on Enterprise.");
}

describe('dodo-portal-changed: sections refetch what a write changed', function () {
  this.timeout(20_000);
  before(startMocks);

  it('after a plan change in the plan switcher, the invoice list and payment history show the new invoice and charge', async () => {
    billingApi();
    const portal = await fixture(html`
      <dodo-portal api-base=${MOCK_API_BASE} session-token=${MOCK_SESSION_TOKEN} locale="en">
        <dodo-plan-switcher subscription-id="sub_pro"></dodo-plan-switcher>
        <dodo-invoice-list></dodo-invoice-list>
        <dodo-transaction-list></dodo-transaction-list>
      </dodo-portal>
    `);
    const invoices = portal.querySelector<DodoInvoiceList>('dodo-invoice-list')!;
    const payments = portal.querySelector<DodoTransactionList>('dodo-transaction-list')!;
    await waitForRows(invoices, 'INV-000042');
    await waitUntil(() => amounts(payments).length === 5, 'payments never loaded');
    expect(amounts(payments)[0]).to.equal('$1,234.56');
    const changes = listen<PortalChangedEvent>('dodo-portal-changed');

    await upgradeToEnterprise(portal.querySelector('dodo-plan-switcher')!);

    await waitForRows(invoices, 'INV-000104');
    expect(invoiceNumbers(invoices).slice(0, 2)).to.deep.equal(['INV-000104', 'INV-000042']);
    await waitUntil(() => amounts(payments)[0] === '$37.50', `payment history never showed the charge: ${amounts(payments).join(', ')}`);
    changes.stop();
    expect(changes.events.map((event) => [...event.detail.resources])).to.deep.equal([['subscriptions', 'invoices', 'payments', 'profile']]);
    expect(changes.events[0]!.bubbles && changes.events[0]!.composed).to.equal(true);
    // Each list refetched once; neither needed a reload.
    expect(apiRequests('invoices')).to.have.length(2);
    expect(apiRequests('payments')).to.have.length(2);
  });

  it('reaches elements under another <dodo-portal> on the same page sharing the session', async () => {
    billingApi();
    const page = await fixture(html`
      <div>
        <dodo-portal api-base=${MOCK_API_BASE} session-token=${MOCK_SESSION_TOKEN} locale="en">
          <dodo-plan-switcher subscription-id="sub_pro"></dodo-plan-switcher>
        </dodo-portal>
        <dodo-portal api-base=${MOCK_API_BASE} session-token=${MOCK_SESSION_TOKEN} locale="en">
          <dodo-invoice-list></dodo-invoice-list>
        </dodo-portal>
      </div>
    `);
    const invoices = page.querySelector<DodoInvoiceList>('dodo-invoice-list')!;
    await waitForRows(invoices, 'INV-000042');
    await upgradeToEnterprise(page.querySelector('dodo-plan-switcher')!);
    await waitForRows(invoices, 'INV-000104');
  });

  it('refetches only the sections whose resources changed, also when the page reports a change itself', async () => {
    billingApi();
    const portal = await fixture(html`
      <dodo-portal api-base=${MOCK_API_BASE} session-token=${MOCK_SESSION_TOKEN} locale="en">
        <dodo-invoice-list></dodo-invoice-list>
        <dodo-profile></dodo-profile>
      </dodo-portal>
    `);
    const invoices = portal.querySelector<DodoInvoiceList>('dodo-invoice-list')!;
    const profile = portal.querySelector('dodo-profile')!;
    await waitForRows(invoices, 'INV-000042');
    await waitForText(profile, 'Ada');
    document.dispatchEvent(new CustomEvent('dodo-portal-changed', { detail: { resources: ['profile'] } }));
    await waitUntil(() => apiRequests('profile').length === 2, 'the profile did not refetch');
    document.dispatchEvent(new CustomEvent('dodo-portal-changed', { detail: { resources: ['invoices', 'payments'] } }));
    document.dispatchEvent(new CustomEvent('dodo-portal-changed', { detail: { resources: ['invoices'] } }));
    await waitUntil(() => apiRequests('invoices').length === 2, 'the invoice list did not refetch');
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Two reports in one turn: one refetch. The profile was not named again.
    expect(apiRequests('invoices')).to.have.length(2);
    expect(apiRequests('profile')).to.have.length(2);
  });
});
