import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { http, HttpResponse } from 'msw';
import type { PaymentMethodRequestedEvent, PlanChangedEvent, SubscriptionCancelledEvent, SubscriptionResumedEvent } from '../../events.ts';
import { formatDate } from '../../format.ts';
import { EXPIRED_SESSION_TOKEN, paymentMethodsApi, subscriptionApi, subscriptionScenarios } from '../../mocks/handlers.ts';
import { apiRequests, button, click, confirmationText, shadow, waitForExpired, startMocks, useHandlers, visibleText, waitForText } from '../../test/harness.ts';
import type { DodoSubscriptionManager } from './subscription-manager.ts';
import { deepActiveElement, listen, mount, partTexts, recordWrites, waitForSelector, type Recorded } from './subscriptions.harness.ts';

const mountManager = (options: { token?: string; locale?: string } = {}) => mount<DodoSubscriptionManager>('dodo-subscription-manager', options);

const card = (manager: Element, id: string): HTMLElement => shadow(manager).querySelector<HTMLElement>(`[data-subscription-id="${id}"]`)!;
const cardButtons = (manager: Element, id: string): string[] => [...card(manager, id).querySelectorAll('button')].map((element) => element.textContent!.replace(/\s+/g, ' ').trim());
const dialogOf = (manager: Element): HTMLDialogElement | null => shadow(manager).querySelector('dialog');

const END = formatDate('2026-12-01T00:00:00.000Z', 'en');

describe('<dodo-subscription-manager>', function () {
  // axe over a dialog or form takes seconds when four browsers share the machine.
  this.timeout(30_000);
  before(startMocks);

  it('lists current and past subscriptions with price, renewal, card, add-ons and status', async () => {
    useHandlers(subscriptionScenarios.list());
    const manager = await mountManager();
    await waitForText(manager, 'Past subscriptions');

    const [pro, scheduled, hold, old] = partTexts(manager, 'subscription');
    expect(pro).to.include('Pro').and.include('Active').and.include('$40.00 per month');
    expect(pro).to.include(`Renews ${END}`).and.include('Extra seat × 2').and.include('Visa •••• 4242');
    expect(scheduled).to.include('Basic').and.include(`Cancels on ${END}`).and.not.include('Renews');
    expect(hold).to.include('On hold').and.include('$23.75 is due').and.include('Mastercard •••• 4444');
    expect(old)
      .to.include('Enterprise')
      .and.include('Cancelled')
      .and.include(`Ended ${formatDate('2026-06-15T00:00:00.000Z', 'en')}`);
    // Current first, then past, each a labelled list.
    expect([...shadow(manager).querySelectorAll('section')].map((section) => section.getAttribute('aria-label'))).to.deep.equal(['Current subscriptions', 'Past subscriptions']);
    await expect(manager).to.be.accessible();
  });

  it('shows only the actions the server allows', async () => {
    useHandlers(subscriptionScenarios.list());
    const manager = await mountManager();
    await waitForText(manager, 'Past subscriptions');
    expect(cardButtons(manager, 'sub_pro')).to.deep.equal(['Update payment method Pro', 'Change plan Pro', 'Cancel subscription Pro']);
    expect(cardButtons(manager, 'sub_scheduled')).to.deep.equal(['Update payment method Basic', "Don't cancel Basic"]);
    expect(cardButtons(manager, 'sub_hold')).to.deep.equal(['Update payment method Storage']);
    expect(cardButtons(manager, 'sub_old')).to.deep.equal([]);
  });

  it('offers no plan change when the business disallows updates', async () => {
    useHandlers(subscriptionScenarios.updatesDisabled());
    const manager = await mountManager();
    await waitForText(manager, 'Pro');
    expect(cardButtons(manager, 'sub_pro')).to.deep.equal(['Update payment method Pro', 'Cancel subscription Pro']);
  });

  it('shows a skeleton while loading, with aria-busy', async () => {
    useHandlers(subscriptionScenarios.loading());
    const manager = await mountManager();
    await waitUntil(() => apiRequests('subscriptions').length === 1);
    await waitForSelector(manager, '[aria-busy="true"]');
    expect(shadow(manager).querySelector('[role="status"]')!.textContent!.trim()).to.equal('Loading subscriptions…');
    await expect(manager).to.be.accessible();
  });

  it('says when there are no subscriptions', async () => {
    useHandlers(subscriptionScenarios.empty());
    const manager = await mountManager();
    await waitForText(manager, 'No subscriptions yet');
    expect(shadow(manager).querySelector('[part="empty"]')).to.exist;
    await expect(manager).to.be.accessible();
  });

  it('shows a load failure and recovers on Retry', async () => {
    useHandlers([http.get('*/portal/v1/subscriptions', () => HttpResponse.json({ error: { code: 'internal_error', message: 'x' } }, { status: 500 }), { once: true }), ...subscriptionApi()]);
    const manager = await mountManager();
    await waitForText(manager, "We couldn't load your subscriptions.");
    await expect(manager).to.be.accessible();
    click(button(manager, 'Retry'));
    await waitForText(manager, 'Past subscriptions');
  });

  it('explains an expired session', async () => {
    useHandlers(subscriptionApi());
    const expired = listen('dodo-session-expired');
    try {
      const manager = await mountManager({ token: EXPIRED_SESSION_TOKEN });
      await waitForExpired(manager);
      expect(expired.events).to.have.length(1);
      await expect(manager.closest('dodo-portal')!).to.be.accessible();
    } finally {
      expired.stop();
    }
  });

  describe('cancel', () => {
    it('cancels at the period end by default, in a dialog that takes and returns focus', async () => {
      const writes: Recorded[] = [];
      useHandlers([...recordWrites(writes), ...subscriptionApi()]);
      const manager = await mountManager();
      await waitForText(manager, 'Pro');
      const cancelled = listen<SubscriptionCancelledEvent>('dodo-subscription-cancelled');
      try {
        const trigger = button(manager, 'Cancel subscription Pro');
        trigger.focus();
        await sendKeys({ press: 'Enter' });
        const dialog = await waitForSelector<HTMLDialogElement>(manager, 'dialog[open]');
        expect(dialog.matches(':modal')).to.equal(true);
        expect(dialog.contains(deepActiveElement()), 'focus moved into the dialog').to.equal(true);
        expect(text(dialog)).to.include('Cancel Pro?').and.include(`At the end of the billing period (${END})`);
        // The consequences of each choice, said before the customer confirms (and tied to its radio).
        const hint = (value: string) => text(dialog.querySelector(`#${dialog.querySelector(`input[value="${value}"]`)!.getAttribute('aria-describedby')}`)!);
        expect(hint('period_end')).to.equal(`You keep access until ${END}.`);
        expect(hint('immediately')).to.equal(`You lose access now, and the unused time until ${END} is not refunded.`);
        expect(dialog.querySelector<HTMLInputElement>('input[value="period_end"]')!.checked).to.equal(true);
        expect([...dialog.querySelectorAll('option')].map((option) => option.textContent!.trim())).to.have.length(9);
        await expect(manager).to.be.accessible();

        click(button(manager, 'Cancel subscription'));
        await waitUntil(() => cancelled.events.length === 1, 'no dodo-subscription-cancelled');
        expect(writes).to.deep.equal([{ method: 'POST', path: 'subscriptions/sub_pro/cancel', body: { when: 'period_end' }, idempotencyKey: null }]);
        const event = cancelled.events[0]!;
        expect(event.bubbles && event.composed).to.equal(true);
        expect(event.detail.subscription.cancel_at_period_end).to.equal(true);
        await waitUntil(() => !dialogOf(manager), 'the dialog stayed open');
        await waitForText(manager, `Cancels on ${END}`);
        expect(confirmationText(manager)).to.equal(`Pro will end on ${END}.`);
        // The list refreshed: Pro now offers to undo, and focus is back on Pro's card (the button it came from is gone).
        await waitUntil(() => cardButtons(manager, 'sub_pro').includes("Don't cancel Pro"));
        expect(deepActiveElement() === card(manager, 'sub_pro'), 'focus').to.equal(true);
      } finally {
        cancelled.stop();
      }
    });

    it('cancels immediately with a reason and a comment', async () => {
      const writes: Recorded[] = [];
      useHandlers([...recordWrites(writes), ...subscriptionApi()]);
      const manager = await mountManager();
      await waitForText(manager, 'Pro');
      click(button(manager, 'Cancel subscription Pro'));
      const dialog = await waitForSelector<HTMLDialogElement>(manager, 'dialog[open]');
      dialog.querySelector<HTMLInputElement>('input[value="immediately"]')!.click();
      const reason = dialog.querySelector<HTMLSelectElement>('select')!;
      reason.value = 'too_expensive';
      expect(reason.selectedOptions[0]!.textContent!.trim()).to.equal("It's too expensive");
      dialog.querySelector<HTMLTextAreaElement>('textarea')!.value = '  Found a cheaper plan.  ';
      click(button(manager, 'Cancel subscription'));
      await waitUntil(() => !dialogOf(manager));
      expect(writes[0]!.body).to.deep.equal({ when: 'immediately', reason: 'too_expensive', comment: 'Found a cheaper plan.' });
      await waitUntil(() => partTexts(manager, 'subscription').some((entry) => entry.startsWith('Pro') && entry.includes('Cancelled')));
      expect(confirmationText(manager)).to.equal('Pro has been cancelled.');
    });

    it('closes on Escape without cancelling, and focus returns to the button', async () => {
      const writes: Recorded[] = [];
      useHandlers([...recordWrites(writes), ...subscriptionApi()]);
      const manager = await mountManager();
      await waitForText(manager, 'Pro');
      const trigger = button(manager, 'Cancel subscription Pro');
      trigger.focus();
      await sendKeys({ press: 'Enter' });
      await waitForSelector(manager, 'dialog[open]');
      await sendKeys({ press: 'Escape' });
      await waitUntil(() => !dialogOf(manager), 'Escape did not close the dialog');
      await waitUntil(() => deepActiveElement() === trigger, 'focus did not return to the trigger');
      expect(writes).to.deep.equal([]);
    });

    it('says so in words when the server refuses', async () => {
      useHandlers([
        http.post('*/portal/v1/subscriptions/:id/cancel', () => HttpResponse.json({ error: { code: 'cancellation_disabled', message: 'no' } }, { status: 403 })),
        ...subscriptionApi(),
      ]);
      const manager = await mountManager();
      await waitForText(manager, 'Pro');
      click(button(manager, 'Cancel subscription Pro'));
      const dialog = await waitForSelector<HTMLDialogElement>(manager, 'dialog[open]');
      click(button(manager, 'Cancel subscription'));
      await waitUntil(() => text(dialog).includes('Cancelling online is not available.'));
      expect(dialog.open).to.equal(true);
      await expect(manager).to.be.accessible();
    });
  });

  it('undoes a scheduled cancellation', async () => {
    const writes: Recorded[] = [];
    useHandlers([...recordWrites(writes), ...subscriptionApi()]);
    const manager = await mountManager();
    await waitForText(manager, 'Basic');
    const resumed = listen<SubscriptionResumedEvent>('dodo-subscription-resumed');
    try {
      click(button(manager, "Don't cancel Basic"));
      await waitUntil(() => resumed.events.length === 1);
      expect(resumed.events[0]!.detail.subscription.subscription_id).to.equal('sub_scheduled');
      expect(writes.map((write) => write.path)).to.deep.equal(['subscriptions/sub_scheduled/resume']);
      await waitUntil(() => cardButtons(manager, 'sub_scheduled').includes('Cancel subscription Basic'));
      expect(partTexts(manager, 'subscription')[1]).to.include(`Renews ${END}`);
      expect(confirmationText(manager)).to.equal('Basic will renew as usual.');
    } finally {
      resumed.stop();
    }
  });

  describe('on hold', () => {
    it('asks the page for a payment method update when no editor is registered', async () => {
      useHandlers(subscriptionScenarios.list());
      const manager = await mountManager();
      await waitForText(manager, '$23.75 is due');
      const requested = listen<PaymentMethodRequestedEvent>('dodo-payment-method-requested');
      try {
        click(button(manager, 'Update payment method Storage'));
        expect(requested.events.map((event) => event.detail)).to.deep.equal([{ subscriptionId: 'sub_hold' }]);
        expect(requested.events[0]!.bubbles && requested.events[0]!.composed).to.equal(true);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(dialogOf(manager), 'no dialog without the editor').to.equal(null);
      } finally {
        requested.stop();
      }
    });

    it('opens <dodo-payment-method-editor> in a dialog when it is registered', async () => {
      await import('../../define/dodo-payment-method-editor.ts');
      useHandlers([...subscriptionApi(), ...paymentMethodsApi()]);
      const manager = await mountManager();
      await waitForText(manager, '$23.75 is due');
      const requested = listen<PaymentMethodRequestedEvent>('dodo-payment-method-requested');
      try {
        click(button(manager, 'Update payment method Storage'));
        const dialog = await waitForSelector<HTMLDialogElement>(manager, 'dialog[open]');
        expect(dialog.querySelector('dodo-payment-method-editor')!.getAttribute('subscription-id')).to.equal('sub_hold');
        expect(requested.events).to.have.length(1);
        // The editor paid the dues (its events, as it fires them): the list refreshes, the dialog
        // closes — its flow has ended — and the manager says what happened.
        const before = apiRequests('subscriptions').length;
        const editor = dialog.querySelector('dodo-payment-method-editor')!;
        const fire = (type: string, detail: unknown) => editor.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, detail }));
        fire('dodo-payment-method-updated', { change: 'selected', paymentMethodId: 'pm_visa', subscriptionId: 'sub_hold' });
        fire('dodo-portal-changed', { resources: ['payment-methods', 'subscriptions'] });
        fire('dodo-subscription-reactivated', { subscriptionId: 'sub_hold', paymentId: 'pay_1', invoiceId: 'inv_1', amount: 2_375, currency: 'USD' });
        fire('dodo-portal-changed', { resources: ['subscriptions', 'invoices', 'payments', 'payment-methods'] });
        await waitUntil(() => !dialogOf(manager), 'the dialog stayed open after the dues were paid');
        await waitUntil(() => apiRequests('subscriptions').length === before + 1, 'the list was not refreshed (once)');
        expect(confirmationText(manager)).to.equal('Paid $23.75. Storage is active again.');
        await expect(manager).to.be.accessible();
      } finally {
        requested.stop();
      }
    });
  });

  it('changes plan in a dialog with <dodo-plan-switcher>, then closes it, says so and refreshes the list', async () => {
    useHandlers(subscriptionScenarios.list());
    const manager = await mountManager();
    await waitForText(manager, 'Pro');
    const changed = listen<PlanChangedEvent>('dodo-plan-changed');
    try {
      const trigger = button(manager, 'Change plan Pro');
      click(trigger);
      const dialog = await waitForSelector<HTMLDialogElement>(manager, 'dialog[open]');
      const switcher = dialog.querySelector('dodo-plan-switcher')!;
      expect(switcher.getAttribute('subscription-id')).to.equal('sub_pro');
      await waitForText(switcher, 'Enterprise');
      await expect(manager).to.be.accessible();
      shadow(switcher).querySelector<HTMLInputElement>('input[value="prod_enterprise"]')!.click();
      await waitForText(switcher, 'Charged now');
      click(button(switcher, 'Confirm and pay $37.50'));
      await waitUntil(() => changed.events.length === 1, 'no dodo-plan-changed');
      await waitUntil(() => !dialogOf(manager), 'the dialog stayed open after the change');
      expect(confirmationText(manager)).to.equal("You're now on Enterprise. Charged now: $37.50.");
      await waitUntil(() => partTexts(manager, 'subscription')[0]!.startsWith('Enterprise'), 'the list did not refresh');
      await waitUntil(() => deepActiveElement() === trigger || deepActiveElement() === card(manager, 'sub_pro'));
      await expect(manager).to.be.accessible();
    } finally {
      changed.stop();
    }
  });

  it('speaks Swedish', async () => {
    useHandlers(subscriptionScenarios.list());
    const manager = await mountManager({ locale: 'sv-SE' });
    await waitForText(manager, 'Tidigare prenumerationer');
    const body = visibleText(manager);
    for (const swedish of ['Aktiv', 'Vilande', 'Avslutad', 'Byt plan', 'Avsluta prenumerationen', 'Förnyas']) expect(body).to.include(swedish);
    for (const english of ['Active', 'Change plan', 'Renews', 'per month']) expect(body).to.not.include(english);
    await expect(manager).to.be.accessible();
  });
});

const text = (element: Element) => element.textContent!.replace(/\s+/g, ' ').trim();
