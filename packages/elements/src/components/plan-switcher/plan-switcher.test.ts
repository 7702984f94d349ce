import { expect, waitUntil } from '@open-wc/testing';
import { http, HttpResponse } from 'msw';
import type { PaymentMethodRequestedEvent, PlanChangeRequestEvent, PlanChangedEvent } from '../../events.ts';
import { formatDate } from '../../format.ts';
import { EXPIRED_SESSION_TOKEN, paymentMethodsApi, subscriptionApi, subscriptionScenarios } from '../../mocks/handlers.ts';
import { button, click, shadow, startMocks, useHandlers, visibleText, waitForText, waitForExpired } from '../../test/harness.ts';
import { listen, mount, partTexts, recordWrites, waitForSelector, type Recorded } from '../subscription-manager/subscriptions.harness.ts';
import type { DodoPlanSwitcher } from './plan-switcher.ts';

const mountSwitcher = (options: { token?: string; locale?: string; subscriptionId?: string } = {}) =>
  mount<DodoPlanSwitcher>('dodo-plan-switcher', { subscriptionId: 'sub_pro', ...options });

const choose = (switcher: Element, productId: string) => shadow(switcher).querySelector<HTMLInputElement>(`input[value="${productId}"]`)!.click();

function setCount(switcher: Element, id: string, value: string): void {
  const input = shadow(switcher).querySelector<HTMLInputElement>(`#${id}`)!;
  input.value = value;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

/** The preview table as [label, amount] rows. */
const quote = (switcher: Element): string[][] =>
  [...shadow(switcher).querySelectorAll('[part="preview"] tr')].map((row) => [...row.children].map((cell) => cell.textContent!.replace(/\s+/g, ' ').trim()));

const NEXT = formatDate('2026-12-01T00:00:00.000Z', 'en');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('<dodo-plan-switcher>', function () {
  // axe over a dialog or form takes seconds when four browsers share the machine.
  this.timeout(30_000);
  before(startMocks);

  it('lists the tiers in order, marks the current one, and previews nothing until something changes', async () => {
    useHandlers(subscriptionScenarios.list());
    const switcher = await mountSwitcher();
    await waitForText(switcher, 'Enterprise');
    expect(partTexts(switcher, 'plan')).to.deep.equal(['Basic Downgrade $10.00 per month', 'Pro Current plan $30.00 per month', 'Enterprise Upgrade $90.00 per month']);
    expect(shadow(switcher).querySelector<HTMLInputElement>('input[value="prod_pro"]')!.checked).to.equal(true);
    expect(shadow(switcher).querySelector<HTMLInputElement>('#quantity')!.value).to.equal('1');
    expect(shadow(switcher).querySelector<HTMLInputElement>('#addon-prod_seat')!.value).to.equal('2');
    expect(shadow(switcher).querySelector('[part="preview"]')).to.equal(null);
    expect(shadow(switcher).querySelector('[part="confirm"]')).to.equal(null);
    await expect(switcher).to.be.accessible();
  });

  it('shows the exact preview of an upgrade', async () => {
    const writes: Recorded[] = [];
    useHandlers([...recordWrites(writes), ...subscriptionApi()]);
    const switcher = await mountSwitcher();
    await waitForText(switcher, 'Enterprise');
    choose(switcher, 'prod_enterprise');
    await waitForSelector(switcher, '[part="preview"]');
    expect(writes).to.deep.equal([
      {
        method: 'POST',
        path: 'subscriptions/sub_pro/change-plan/preview',
        body: { product_id: 'prod_enterprise', quantity: 1, addons: [{ product_id: 'prod_seat', quantity: 2 }] },
        idempotencyKey: null,
      },
    ]);
    expect(quote(switcher)).to.deep.equal([
      ['Unused time on Pro', '-$15.00'],
      ['Unused time on Extra seat', '-$5.00'],
      ['Remaining time on Enterprise', '$45.00'],
      ['Remaining time on Extra seat', '$5.00'],
      ['Subtotal', '$30.00'],
      ['Tax', '$7.50'],
      ['Charged now', '$37.50'],
    ]);
    expect(visibleText(switcher)).to.include(`Next billing date: ${NEXT}`).and.not.include('credit balance');
    expect(button(switcher, 'Confirm and pay $37.50')).to.exist;
    await expect(switcher).to.be.accessible();
  });

  it('previews a downgrade that becomes credit, with existing credit applied', async () => {
    useHandlers(subscriptionScenarios.withCredit());
    const switcher = await mountSwitcher();
    await waitForText(switcher, 'Basic');
    choose(switcher, 'prod_basic');
    await waitForSelector(switcher, '[part="preview"]');
    expect(quote(switcher).slice(-3)).to.deep.equal([
      ['Subtotal', '-$10.00'],
      ['Tax', '$0.00'],
      ['Charged now', '$0.00'],
    ]);
    expect(visibleText(switcher)).to.include('$10.00 will be added to your credit balance');
    // Add seats until something is due: the credit is applied first.
    setCount(switcher, 'addon-prod_seat', '8');
    await waitUntil(() => quote(switcher).some(([label]) => label === 'Credit applied'), 'no credit applied');
    expect(quote(switcher).slice(-4)).to.deep.equal([
      ['Subtotal', '$5.00'],
      ['Tax', '$1.25'],
      ['Credit applied', '-$6.25'],
      ['Charged now', '$0.00'],
    ]);
    expect(button(switcher, 'Confirm change')).to.exist;
    await expect(switcher).to.be.accessible();
  });

  it('sends quantities from the accessible number inputs, within bounds', async () => {
    const writes: Recorded[] = [];
    useHandlers([...recordWrites(writes), ...subscriptionApi()]);
    const switcher = await mountSwitcher();
    await waitForText(switcher, 'Enterprise');
    const quantity = shadow(switcher).querySelector<HTMLInputElement>('#quantity')!;
    expect(shadow(switcher).querySelector(`label[for="quantity"]`)!.textContent!.trim()).to.equal('Quantity');
    expect([quantity.type, quantity.min, quantity.max]).to.deep.equal(['number', '1', '10000']);
    setCount(switcher, 'quantity', '0');
    expect(quantity.value, 'clamped to the minimum').to.equal('1');
    setCount(switcher, 'quantity', '3');
    setCount(switcher, 'addon-prod_seat', '0');
    await waitForSelector(switcher, '[part="preview"]');
    await waitUntil(() => writes.length > 0 && JSON.stringify(writes.at(-1)!.body).includes('"quantity":3'));
    expect(writes.at(-1)!.body).to.deep.equal({ product_id: 'prod_pro', quantity: 3, addons: [] });
  });

  it('confirms: fires dodo-plan-change-request, charges with a fresh idempotency key, shows success and fires dodo-plan-changed', async () => {
    const writes: Recorded[] = [];
    useHandlers([...recordWrites(writes), ...subscriptionApi()]);
    const switcher = await mountSwitcher();
    await waitForText(switcher, 'Enterprise');
    const requests = listen<PlanChangeRequestEvent>('dodo-plan-change-request');
    const changed = listen<PlanChangedEvent>('dodo-plan-changed');
    try {
      choose(switcher, 'prod_enterprise');
      await waitForSelector(switcher, '[part="preview"]');
      // Confirmed from the keyboard: focus is on the button that the result replaces.
      button(switcher, 'Confirm and pay $37.50').focus();
      click(button(switcher, 'Confirm and pay $37.50'));
      await waitUntil(() => changed.events.length === 1, 'no dodo-plan-changed');

      const request = requests.events[0]!;
      expect(request.cancelable && request.bubbles && request.composed).to.equal(true);
      expect(request.detail).to.deep.include({ subscriptionId: 'sub_pro', productId: 'prod_enterprise', quantity: 1 });
      expect(request.detail.addons).to.deep.equal([{ product_id: 'prod_seat', quantity: 2 }]);
      expect(request.detail.preview.immediate_charge.total).to.equal(3_750);

      const charge = writes.find((write) => write.path === 'subscriptions/sub_pro/change-plan')!;
      expect(charge.idempotencyKey).to.match(UUID);
      expect(charge.body).to.deep.equal({ product_id: 'prod_enterprise', quantity: 1, addons: [{ product_id: 'prod_seat', quantity: 2 }] });
      expect(changed.events[0]!.detail.subscription.product_id).to.equal('prod_enterprise');
      expect(changed.events[0]!.detail.invoice!.total).to.equal(3_750);
      await waitForText(switcher, "You're now on Enterprise.");
      expect(visibleText(switcher)).to.include('Charged now: $37.50');
      await waitUntil(() => shadow(switcher).activeElement?.getAttribute('part') === 'success', 'focus did not move to the result');
      await expect(switcher).to.be.accessible();
    } finally {
      requests.stop();
      changed.stop();
    }
  });

  it('does nothing when the page vetoes dodo-plan-change-request', async () => {
    const writes: Recorded[] = [];
    useHandlers([...recordWrites(writes), ...subscriptionApi()]);
    const switcher = await mountSwitcher();
    await waitForText(switcher, 'Enterprise');
    const veto = (event: Event) => event.preventDefault();
    document.addEventListener('dodo-plan-change-request', veto);
    try {
      choose(switcher, 'prod_enterprise');
      await waitForSelector(switcher, '[part="preview"]');
      click(button(switcher, 'Confirm and pay $37.50'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(writes.map((write) => write.path)).to.not.include('subscriptions/sub_pro/change-plan');
      expect(shadow(switcher).querySelector('[part="success"]')).to.equal(null);
    } finally {
      document.removeEventListener('dodo-plan-change-request', veto);
    }
  });

  it('shows a declined card plainly, keeps the plan, and offers to update the card', async () => {
    const writes: Recorded[] = [];
    useHandlers([...recordWrites(writes), ...subscriptionScenarios.paymentFailed()]);
    const switcher = await mountSwitcher();
    await waitForText(switcher, 'Enterprise');
    const requested = listen<PaymentMethodRequestedEvent>('dodo-payment-method-requested');
    try {
      choose(switcher, 'prod_enterprise');
      await waitForSelector(switcher, '[part="preview"]');
      click(button(switcher, 'Confirm and pay $37.50'));
      await waitForText(switcher, 'Payment failed: The card has insufficient funds. Your plan has not changed.');
      expect(shadow(switcher).querySelector('[part="preview"] [role="alert"]')).to.exist;
      await expect(switcher).to.be.accessible();

      click(button(switcher, 'Update payment method'));
      expect(requested.events.map((event) => event.detail)).to.deep.equal([{ subscriptionId: 'sub_pro' }]);

      // A new confirm after a definitive answer is a new request: a new key.
      click(button(switcher, 'Try again'));
      await waitUntil(() => writes.filter((write) => write.path.endsWith('/change-plan')).length === 2);
      const [first, second] = writes.filter((write) => write.path.endsWith('/change-plan'));
      expect(first!.idempotencyKey).to.not.equal(second!.idempotencyKey);
    } finally {
      requested.stop();
    }
  });

  it('after a decline, "Update payment method" brings the card picker into view and focus', async () => {
    await import('../../define/dodo-payment-method-editor.ts');
    useHandlers([...subscriptionScenarios.paymentFailed(), ...paymentMethodsApi()]);
    // A sidebar-height window: the picker opens below the fold.
    const spacer = document.createElement('div');
    spacer.style.height = `${innerHeight}px`;
    const switcher = await mountSwitcher();
    switcher.before(spacer);
    try {
      await waitForText(switcher, 'Enterprise');
      choose(switcher, 'prod_enterprise');
      await waitForSelector(switcher, '[part="preview"]');
      click(button(switcher, 'Confirm and pay $37.50'));
      await waitForText(switcher, 'Payment failed');
      scrollTo(0, 0);
      click(button(switcher, 'Update payment method'));
      const editor = await waitForSelector(switcher, 'dodo-payment-method-editor');
      await waitUntil(() => editor.shadowRoot?.activeElement != null, 'focus did not move into the card picker', { timeout: 5_000 });
      const focused = editor.shadowRoot!.activeElement!.getBoundingClientRect();
      expect(focused.top).to.be.greaterThanOrEqual(0);
      expect(focused.bottom).to.be.lessThanOrEqual(innerHeight);
    } finally {
      spacer.remove();
    }
  });

  it('retries a confirm the server never answered with the same idempotency key', async () => {
    const writes: Recorded[] = [];
    useHandlers([
      ...recordWrites(writes),
      http.post('*/portal/v1/subscriptions/:id/change-plan', () => HttpResponse.json({ error: { code: 'internal_error', message: 'x' } }, { status: 500 }), { once: true }),
      ...subscriptionApi(),
    ]);
    const switcher = await mountSwitcher();
    await waitForText(switcher, 'Enterprise');
    choose(switcher, 'prod_enterprise');
    await waitForSelector(switcher, '[part="preview"]');
    click(button(switcher, 'Confirm and pay $37.50'));
    await waitForText(switcher, 'Your plan could not be changed. Please try again.');
    click(button(switcher, 'Try again'));
    await waitForText(switcher, "You're now on Enterprise.");
    const keys = writes.filter((write) => write.path.endsWith('/change-plan')).map((write) => write.idempotencyKey);
    expect(keys).to.have.length(2);
    expect(keys[0]).to.equal(keys[1]);
  });

  it('puts refusals into words', async () => {
    useHandlers([
      http.post('*/portal/v1/subscriptions/:id/change-plan/preview', () => HttpResponse.json({ error: { code: 'subscription_on_hold', message: 'x' } }, { status: 409 })),
      ...subscriptionApi(),
    ]);
    const switcher = await mountSwitcher();
    await waitForText(switcher, 'Enterprise');
    choose(switcher, 'prod_enterprise');
    await waitForText(switcher, 'Pay the overdue amount before you change plans.');
    await expect(switcher).to.be.accessible();
  });

  it('shows a plain notice and no buttons when the business disallows plan changes', async () => {
    useHandlers(subscriptionScenarios.updatesDisabled());
    const switcher = await mountSwitcher();
    await waitForText(switcher, 'Plan changes are not available for this subscription.');
    expect(shadow(switcher).querySelectorAll('button, input')).to.have.length(0);
    await expect(switcher).to.be.accessible();
  });

  it('explains an expired session', async () => {
    useHandlers(subscriptionApi());
    const switcher = await mountSwitcher({ token: EXPIRED_SESSION_TOKEN });
    await waitForExpired(switcher);
    await expect(switcher.closest('dodo-portal')!).to.be.accessible();
  });

  it('speaks Swedish', async () => {
    useHandlers(subscriptionScenarios.list());
    const switcher = await mountSwitcher({ locale: 'sv' });
    await waitForText(switcher, 'Nuvarande plan');
    choose(switcher, 'prod_enterprise');
    await waitForSelector(switcher, '[part="preview"]');
    await waitForText(switcher, 'Debiteras nu');
    expect(visibleText(switcher)).to.include('Uppgradera').and.include('Nedgradera');
    await expect(switcher).to.be.accessible();
  });
});
