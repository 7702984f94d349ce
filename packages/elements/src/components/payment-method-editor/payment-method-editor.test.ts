import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { http, HttpResponse } from 'msw';
import '../../define/dodo-payment-method-editor.ts';
import type { DodoPortal } from '../../components/portal/portal.ts';
import type { PaymentFailedEvent, PaymentMethodUpdatedEvent, SubscriptionReactivatedEvent } from '../../events.ts';
import { EXPIRED_SESSION_TOKEN, MOCK_API_BASE, MOCK_SESSION_TOKEN, sessionInfo } from '../../mocks/handlers.ts';
import { TEST_CARDS, paymentMethodScenarios, paymentMethodsApi, subscriptionFixture, workingCard } from '../../mocks/payment-methods.ts';
import { button, click, isDisabled, shadow, waitForExpired, startMocks, useHandlers, visibleText, waitForText, worker } from '../../test/harness.ts';
import { brandOf, expiryPast, formatExpiry, groupNumber, numberValid, parseExpiry } from './card.ts';
import type { DodoPaymentMethodEditor } from './payment-method-editor.ts';

interface Call {
  method: string;
  path: string;
  key: string | null;
  body: string;
}

/** Every request the page made (any origin), with its body: what left the browser, and where. */
const calls: Call[] = [];
const callsTo = (method: string, path: string) => calls.filter((call) => call.method === method && call.path === path);

async function mount({ subscriptionId = 'sub_pro', locale = 'en', token = MOCK_SESSION_TOKEN } = {}) {
  const portal = await fixture<DodoPortal>(html`
    <dodo-portal api-base=${MOCK_API_BASE} session-token=${token} locale=${locale}>
      <dodo-payment-method-editor .subscriptionId=${subscriptionId}></dodo-payment-method-editor>
    </dodo-portal>
  `);
  const editor = portal.querySelector('dodo-payment-method-editor')!;
  return { portal, editor };
}

const $ = <T extends Element = HTMLElement>(editor: Element, selector: string) => shadow(editor).querySelector<T>(selector);
const input = (editor: Element, id: string) => $<HTMLInputElement>(editor, `#${id}`)!;
const fieldError = (editor: Element, id: string) => (shadow(editor).getElementById(`${id}-error`)?.textContent ?? '').trim();
const activeId = (editor: Element) => (shadow(editor).activeElement as HTMLElement | null)?.id ?? '';

/** Type like a customer: real key presses into the focused field. */
async function typeInto(editor: Element, id: string, text: string): Promise<void> {
  input(editor, id).focus();
  await sendKeys({ type: text });
}

async function fillCard(editor: Element, card: { number: string; exp?: string; cvc?: string; name?: string }): Promise<void> {
  await typeInto(editor, 'number', card.number);
  await typeInto(editor, 'exp', card.exp ?? '1234');
  await typeInto(editor, 'cvc', card.cvc ?? '123');
  await typeInto(editor, 'name', card.name ?? 'Ada Lovelace');
}

async function openForm(editor: DodoPaymentMethodEditor, name = 'Add a new card'): Promise<void> {
  click(button(editor, name));
  await waitUntil(() => $(editor, '#number'), 'the card form never opened');
}

async function radioLabels(editor: Element): Promise<string[]> {
  return [...shadow(editor).querySelectorAll('label.method')].map((label) => (label.textContent ?? '').replace(/\s+/g, ' ').trim());
}

/** The on-hold mock's dues, as the English pay button says them. */
const PAY_SEK = `Pay ${new Intl.NumberFormat('en', { style: 'currency', currency: 'SEK' }).format(249).replace(/\s+/g, ' ')}`;

const checkedRadio = (editor: Element) => [...shadow(editor).querySelectorAll<HTMLInputElement>('input[type=radio]')].findIndex((radio) => radio.checked);

describe('card rules', () => {
  it('detects the brand, groups as typed (amex 4-6-5) and checks Luhn, expiry and length', () => {
    expect(brandOf('4242')).to.equal('visa');
    expect(brandOf('5555')).to.equal('mastercard');
    expect(brandOf('2221')).to.equal('mastercard');
    expect(brandOf('3782')).to.equal('amex');
    expect(brandOf('6011')).to.equal('unknown');
    expect(groupNumber('42424242424242424242')).to.equal('4242 4242 4242 4242');
    expect(groupNumber('378282246310005999')).to.equal('3782 822463 10005');
    expect(numberValid('4242424242424242')).to.equal(true);
    expect(numberValid('4242424242424241')).to.equal(false);
    expect(numberValid('424242424242')).to.equal(false);
    expect(numberValid(TEST_CARDS.amex)).to.equal(true);
    expect(formatExpiry('1234')).to.equal('12 / 34');
    expect(formatExpiry('1')).to.equal('1');
    expect(parseExpiry('13 / 30')).to.equal(null);
    expect(parseExpiry('02 / 30')).to.deep.equal({ month: 2, year: 2030 });
    const march2026 = new Date(2026, 2, 15);
    expect(expiryPast({ month: 3, year: 2026 }, march2026), 'good through its month').to.equal(false);
    expect(expiryPast({ month: 2, year: 2026 }, march2026)).to.equal(true);
  });
});

describe('<dodo-payment-method-editor>', () => {
  before(async () => {
    await startMocks();
    worker.events.on('request:start', ({ request }) => {
      const url = new URL(request.url);
      const call: Call = { method: request.method, path: url.pathname, key: request.headers.get('idempotency-key'), body: '' };
      calls.push(call);
      void request
        .clone()
        .text()
        .then((body) => (call.body = body));
    });
  });
  beforeEach(() => {
    calls.length = 0;
  });

  describe('loading and errors', () => {
    it('reserves its place with aria-busy while loading', async () => {
      useHandlers(paymentMethodScenarios.loading());
      const { editor } = await mount();
      await waitUntil(() => callsTo('GET', '/portal/v1/payment-methods').length === 1);
      expect($(editor, '[part="base"]')!.getAttribute('aria-busy')).to.equal('true');
      expect($(editor, '.skeleton')).to.exist;
      expect($(editor, '[role="status"]')!.textContent!.trim()).to.equal('Loading payment methods…');
      await expect(editor).to.be.accessible();
    });

    it('says it could not load, and recovers on Retry', async () => {
      useHandlers([
        http.get('*/portal/v1/payment-methods', () => HttpResponse.json({ error: { code: 'internal_error', message: 'x' } }, { status: 500 }), { once: true }),
        ...paymentMethodScenarios.active(),
      ]);
      const { editor } = await mount();
      await waitForText(editor, 'We could not load your payment methods.');
      await expect(editor).to.be.accessible();
      click(button(editor, 'Retry'));
      await waitForText(editor, 'Mastercard');
    });

    it('shows the expired session', async () => {
      useHandlers([http.all('*/portal/v1/*', () => HttpResponse.json({ error: { code: 'session_expired', message: 'x' } }, { status: 401 }))]);
      const { editor } = await mount({ token: EXPIRED_SESSION_TOKEN });
      await waitForExpired(editor);
      await expect(editor.closest('dodo-portal')!).to.be.accessible();
    });
  });

  describe('an active subscription', () => {
    it('shows the current card and switches to a saved one with Confirm changes', async () => {
      useHandlers(paymentMethodScenarios.active());
      const { editor } = await mount();
      await waitForText(editor, 'Mastercard');
      expect(visibleText(editor)).to.include('Mastercard •••• ending in 4444 Expires 08/31');
      expect($(editor, '[part="brand"]')!.className).to.include('brand--mastercard');
      await expect(editor).to.be.accessible();

      const updated: PaymentMethodUpdatedEvent[] = [];
      document.addEventListener('dodo-payment-method-updated', (event) => updated.push(event), { once: true });
      click(button(editor, 'Edit'));
      await waitUntil(() => $(editor, 'fieldset'));
      expect(await radioLabels(editor)).to.deep.equal(['Visa •••• ending in 4242 Expires 08/31', 'Mastercard •••• ending in 4444 Expires 08/31']);
      expect(checkedRadio(editor), 'the current card is preselected').to.equal(1);
      expect(visibleText(editor)).to.not.include('You will be charged');
      await expect(editor).to.be.accessible();

      shadow(editor).querySelectorAll<HTMLInputElement>('input[type=radio]')[0]!.click();
      click(button(editor, 'Confirm changes'));
      await waitUntil(() => !$(editor, 'fieldset'), 'never went back to the current card');
      expect(visibleText(editor)).to.include('Visa •••• ending in 4242');
      expect($(editor, '[role="status"]')!.textContent!.trim()).to.equal('Your payment method was updated.');

      const [request] = callsTo('POST', '/portal/v1/subscriptions/sub_pro/payment-method');
      expect(JSON.parse(request!.body)).to.deep.equal({ payment_method_id: 'pm_visa_4242' });
      expect(request!.key).to.match(/^[0-9a-f-]{32,36}$/);
      expect(updated).to.have.length(1);
      expect(updated[0]!.detail).to.deep.equal({ change: 'selected', paymentMethodId: 'pm_visa_4242', subscriptionId: 'sub_pro' });
      expect(updated[0]!.bubbles && updated[0]!.composed).to.equal(true);
    });
  });

  it('offers no Edit for a subscription that can no longer change its card', async () => {
    useHandlers(paymentMethodsApi({ subscription: { ...subscriptionFixture('active', workingCard), status: 'cancelled', actions: [] } }));
    const { editor } = await mount();
    await waitForText(editor, 'Mastercard •••• ending in 4444');
    expect([...shadow(editor).querySelectorAll('button')].map((candidate) => candidate.textContent!.trim())).to.deep.equal([]);
  });

  describe('the new-card form', () => {
    it('groups and brands the number as typed, and validates Luhn, expiry, CVC length and name inline', async () => {
      useHandlers(paymentMethodScenarios.active());
      const { editor } = await mount();
      await waitForText(editor, 'Mastercard');
      click(button(editor, 'Edit'));
      await waitUntil(() => $(editor, 'fieldset'));
      await openForm(editor);

      for (const [id, autocomplete] of [
        ['number', 'cc-number'],
        ['exp', 'cc-exp'],
        ['cvc', 'cc-csc'],
        ['name', 'cc-name'],
      ] as const) {
        expect(input(editor, id).autocomplete).to.equal(autocomplete);
        expect(shadow(editor).querySelector(`label[for="${id}"]`), `label for ${id}`).to.exist;
      }
      expect(input(editor, 'number').inputMode).to.equal('numeric');

      await typeInto(editor, 'number', '378282246310005');
      expect(input(editor, 'number').value).to.equal('3782 822463 10005');
      expect(visibleText(editor)).to.include('American Express');
      input(editor, 'number').value = '';
      await typeInto(editor, 'number', '4242424242424241');
      expect(input(editor, 'number').value).to.equal('4242 4242 4242 4241');
      await typeInto(editor, 'exp', '0120');
      expect(input(editor, 'exp').value).to.equal('01 / 20');
      await typeInto(editor, 'cvc', '12');

      // Submit with Enter: every field is checked, focus goes to the first one at fault.
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => fieldError(editor, 'number'));
      expect(fieldError(editor, 'number')).to.equal('This card number is not valid. Check it and try again.');
      expect(fieldError(editor, 'exp')).to.equal('The card has expired.');
      expect(fieldError(editor, 'cvc')).to.equal('Enter the 3-digit security code.');
      expect(fieldError(editor, 'name')).to.equal('Enter the name on the card.');
      expect(activeId(editor)).to.equal('number');
      const number = input(editor, 'number');
      expect(number.getAttribute('aria-invalid')).to.equal('true');
      expect(number.getAttribute('aria-describedby')).to.equal('number-error');
      expect(
        calls.filter((call) => call.path === '/sandbox/v1/tokens'),
        'nothing sent while invalid',
      ).to.have.length(0);
      await expect(editor).to.be.accessible();

      // Fixing a field clears its error as the customer types.
      number.select();
      await sendKeys({ type: '4242424242424242' });
      await waitUntil(() => !fieldError(editor, 'number'));
      expect(number.getAttribute('aria-invalid')).to.equal('false');
      expect(number.hasAttribute('aria-describedby')).to.equal(false);
    });

    it('asks American Express for a 4-digit CVC', async () => {
      useHandlers(paymentMethodScenarios.saved());
      const { editor } = await mount({ subscriptionId: '' });
      await waitForText(editor, 'Saved cards');
      await openForm(editor);
      await fillCard(editor, { number: TEST_CARDS.amex, cvc: '123' });
      click(button(editor, 'Save card'));
      await waitUntil(() => fieldError(editor, 'cvc'));
      expect(fieldError(editor, 'cvc')).to.equal('Enter the 4-digit security code.');
      expect(fieldError(editor, 'number')).to.equal('');
    });

    it('sends the card only to the processor, never to the portal API', async () => {
      useHandlers(paymentMethodScenarios.saved());
      const { editor } = await mount({ subscriptionId: '' });
      await waitForText(editor, 'Saved cards');
      await openForm(editor);
      await fillCard(editor, { number: TEST_CARDS.succeeds, cvc: '987' });
      const updated: PaymentMethodUpdatedEvent[] = [];
      editor.addEventListener('dodo-payment-method-updated', (event) => updated.push(event));
      click(button(editor, 'Save card'));
      await waitForText(editor, 'Visa •••• ending in 4242 Expires 12/34');
      await waitUntil(() => calls.every((call) => call.method === 'GET' || call.body));

      const [tokenCall] = callsTo('POST', '/sandbox/v1/tokens');
      expect(JSON.parse(tokenCall!.body)).to.deep.equal({ number: TEST_CARDS.succeeds, exp_month: 12, exp_year: 2034, cvc: '987', name: 'Ada Lovelace' });
      const portalCalls = calls.filter((call) => call.path.startsWith('/portal/'));
      expect(portalCalls.some((call) => call.body.includes('4242424242424242') || call.body.includes('987'))).to.equal(false);
      expect(JSON.parse(callsTo('POST', '/portal/v1/payment-methods')[0]!.body)).to.deep.equal({ card_token: 'tok_test_1' });
      expect(updated.map((event) => event.detail)).to.deep.equal([{ change: 'added', paymentMethodId: 'pm_new_3', subscriptionId: null }]);
      expect($(editor, '#number') === null, 'the form closes').to.equal(true);
    });

    it('shows a processor refusal at the field it is about', async () => {
      useHandlers([
        http.post('*/sandbox/v1/tokens', () => HttpResponse.json({ error: { code: 'invalid_card', message: 'x', decline_code: 'invalid_cvc' } }, { status: 400 })),
        ...paymentMethodScenarios.saved(),
      ]);
      const { editor } = await mount({ subscriptionId: '' });
      await waitForText(editor, 'Saved cards');
      await openForm(editor);
      await fillCard(editor, { number: TEST_CARDS.succeeds });
      click(button(editor, 'Save card'));
      await waitUntil(() => fieldError(editor, 'cvc'));
      expect(fieldError(editor, 'cvc')).to.equal('The security code (CVC) is incorrect.');
      expect(activeId(editor)).to.equal('cvc');
      expect(callsTo('POST', '/portal/v1/payment-methods')).to.have.length(0);
    });

    it('says at the card number that the bank declined the card when saving it, and saves nothing', async () => {
      useHandlers(paymentMethodScenarios.saved());
      const { editor } = await mount({ subscriptionId: '' });
      await waitForText(editor, 'Saved cards');
      const updated: PaymentMethodUpdatedEvent[] = [];
      editor.addEventListener('dodo-payment-method-updated', (event) => updated.push(event));
      await openForm(editor);
      await fillCard(editor, { number: TEST_CARDS.declines });
      click(button(editor, 'Save card'));
      await waitUntil(() => fieldError(editor, 'number'));
      expect(fieldError(editor, 'number')).to.equal('Your bank declined this card. Use another card.');
      expect(activeId(editor)).to.equal('number');
      expect(input(editor, 'number').getAttribute('aria-invalid')).to.equal('true');
      expect(callsTo('POST', '/portal/v1/payment-methods')).to.have.length(1);
      expect(shadow(editor).querySelectorAll('li.method'), 'nothing saved').to.have.length(2);
      expect(updated).to.deep.equal([]);
      await expect(editor).to.be.accessible();

      // Insufficient funds reads as everywhere else.
      input(editor, 'number').select();
      await sendKeys({ type: TEST_CARDS.insufficientFunds });
      click(button(editor, 'Save card'));
      await waitUntil(() => fieldError(editor, 'number') === 'The card has insufficient funds.', 'the second refusal was never shown');
      expect(callsTo('POST', '/portal/v1/payment-methods')).to.have.length(2);
      expect(shadow(editor).querySelectorAll('li.method')).to.have.length(2);
    });

    it('on hold, a card the bank declines when saved is never charged: Pay stops at the form', async () => {
      useHandlers(paymentMethodScenarios.onHold());
      const { editor } = await mount();
      await waitForText(editor, 'Your subscription is on hold');
      click(button(editor, 'Edit'));
      await waitUntil(() => $(editor, 'fieldset'));
      await openForm(editor);
      await fillCard(editor, { number: TEST_CARDS.declines });
      click(button(editor, PAY_SEK));
      await waitUntil(() => fieldError(editor, 'number'));
      expect(fieldError(editor, 'number')).to.equal('Your bank declined this card. Use another card.');
      expect(callsTo('POST', '/portal/v1/subscriptions/sub_pro/payment-method'), 'nothing charged').to.have.length(0);
      expect($(editor, '#number'), 'the form stays open to fix').to.exist;

      // Putting the form away brings back the saved cards as the choice.
      click(shadow(editor).querySelector<HTMLButtonElement>('.card-form .actions button[type=button]')!);
      await waitUntil(() => !$(editor, '#number'), 'the form never closed');
      expect(checkedRadio(editor), 'the subscription’s card is the choice again').to.equal(0);
      expect(button(editor, 'Add a new card')).to.exist;
    });

    it('in live mode never shows card inputs', async () => {
      useHandlers([http.get('*/portal/v1/session', () => HttpResponse.json({ ...sessionInfo, mode: 'live' })), ...paymentMethodScenarios.saved()]);
      const { editor } = await mount({ subscriptionId: '' });
      await waitForText(editor, 'Saved cards');
      click(button(editor, 'Add a new card'));
      await waitForText(editor, 'New cards cannot be entered here yet.');
      expect(shadow(editor).querySelectorAll('input')).to.have.length(0);
      await expect(editor).to.be.accessible();
    });
  });

  describe('an on-hold subscription', () => {
    it('is recovered with the keyboard alone: decline first, then a new card pays the dues', async () => {
      useHandlers(paymentMethodScenarios.onHold());
      const { editor } = await mount({ locale: 'sv-SE' });
      await waitForText(editor, 'Din prenumeration är pausad');
      const kronor = new Intl.NumberFormat('sv-SE', { style: 'currency', currency: 'SEK' }).format(249).replace(/\s+/g, ' ');
      expect(kronor).to.equal('249,00 kr');
      expect(visibleText(editor)).to.include('Uppdatera ditt kort för att betala det som är förfallet');
      await expect(editor).to.be.accessible();

      const failed: PaymentFailedEvent[] = [];
      const reactivated: SubscriptionReactivatedEvent[] = [];
      editor.addEventListener('dodo-payment-failed', (event) => failed.push(event));
      editor.addEventListener('dodo-subscription-reactivated', (event) => reactivated.push(event));

      // Edit → the current (failing) card is preselected; the dues are said before confirming.
      button(editor, 'Ändra').focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => $(editor, 'fieldset'));
      expect(checkedRadio(editor)).to.equal(0);
      expect(shadow(editor).activeElement === shadow(editor).querySelector('input[type=radio]'), 'focus on the current card').to.equal(true);
      expect(visibleText(editor)).to.include(`Du debiteras ${kronor} nu.`);
      await expect(editor).to.be.accessible();

      // Tab past the other card and "add a card" to the pay button.
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Tab' });
      expect((shadow(editor).activeElement as HTMLElement).textContent!.replace(/\s+/g, ' ').trim()).to.equal(`Betala ${kronor}`);
      await sendKeys({ press: 'Enter' });
      await waitForText(editor, 'Betalningen gick inte igenom');
      expect(visibleText(editor)).to.include('Din bank nekade betalningen.');
      expect(shadow(editor).activeElement?.getAttribute('part'), 'focus moves to the decline').to.equal('error');
      expect(failed.map((event) => event.detail)).to.deep.equal([{ subscriptionId: 'sub_pro', paymentMethodId: 'pm_visa_0341', declineCode: 'card_declined' }]);
      await expect(editor).to.be.accessible();

      // Past the cards to "Add a new card"; the whole card goes in by keyboard.
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => activeId(editor) === 'number', 'focus never reached the card number');
      await sendKeys({ type: TEST_CARDS.succeeds });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ type: '1234' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ type: '123' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ type: 'Ada Lovelace' });
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => checkedRadio(editor) === 2, 'the new card was never selected');
      expect(shadow(editor).activeElement === shadow(editor).querySelectorAll('input[type=radio]')[2], 'focus on the new card').to.equal(true);

      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Enter' });
      await waitForText(editor, 'Betalningen är mottagen. Din prenumeration är aktiv igen.');
      expect(visibleText(editor)).to.include(`Du betalade ${kronor}.`);
      expect(visibleText(editor)).to.include('Nästa faktureringsdatum: 3 maj 2025');
      expect(shadow(editor).activeElement?.getAttribute('part')).to.equal('success');
      await expect(editor).to.be.accessible();

      const confirms = callsTo('POST', '/portal/v1/subscriptions/sub_pro/payment-method');
      expect(confirms.map((call) => JSON.parse(call.body).payment_method_id)).to.deep.equal(['pm_visa_0341', 'pm_new_3']);
      expect(confirms[0]!.key, 'a fresh key per confirm').to.not.equal(confirms[1]!.key);
      expect(reactivated.map((event) => event.detail)).to.deep.equal([{ subscriptionId: 'sub_pro', paymentId: 'pay_dues_1', invoiceId: 'inv_dues_1', amount: 24_900, currency: 'SEK' }]);
      expect(reactivated[0]!.bubbles && reactivated[0]!.composed).to.equal(true);
    });

    it('says what Confirm does: "Pay" and the dues, formatted', async () => {
      useHandlers([
        http.get('*/portal/v1/subscriptions/:id/dues', () => HttpResponse.json({ amount: 2057, currency: 'USD', invoice_ids: ['inv_renewal'] })),
        ...paymentMethodScenarios.onHold(),
      ]);
      const { editor } = await mount({ locale: 'en-US' });
      await waitForText(editor, 'Your subscription is on hold');
      click(button(editor, 'Edit'));
      await waitUntil(() => $(editor, 'fieldset'));
      expect(button(editor, 'Pay $20.57').classList.contains('confirm')).to.equal(true);
      expect(visibleText(editor)).to.include('You will be charged $20.57 now.');
    });

    it('pays with the new card filled in the form, not the checked saved card', async () => {
      useHandlers(paymentMethodScenarios.onHold());
      const { editor } = await mount();
      await waitForText(editor, 'Your subscription is on hold');
      click(button(editor, 'Edit'));
      await waitUntil(() => $(editor, 'fieldset'));
      expect(checkedRadio(editor), 'the failing card starts checked').to.equal(0);
      await openForm(editor);
      expect(checkedRadio(editor), 'the open form is the choice: no saved card checked beside it').to.equal(-1);
      await expect(editor).to.be.accessible();
      await fillCard(editor, { number: TEST_CARDS.succeeds });
      click(button(editor, PAY_SEK));
      await waitForText(editor, 'Payment received. Your subscription is active again.');
      await waitUntil(() => calls.every((call) => call.method === 'GET' || call.body));

      expect(JSON.parse(callsTo('POST', '/sandbox/v1/tokens')[0]!.body).number).to.equal(TEST_CARDS.succeeds);
      expect(callsTo('POST', '/portal/v1/payment-methods').map((call) => JSON.parse(call.body))).to.deep.equal([{ card_token: 'tok_test_1' }]);
      const confirms = callsTo('POST', '/portal/v1/subscriptions/sub_pro/payment-method');
      expect(
        confirms.map((call) => JSON.parse(call.body)),
        'the new card is charged, never the failing one',
      ).to.deep.equal([{ payment_method_id: 'pm_new_3' }]);
      click(button(editor, 'Done'));
      await waitForText(editor, 'Visa •••• ending in 4242');
    });

    it('does not pay while the new-card form is incomplete: the field errors say why', async () => {
      useHandlers(paymentMethodScenarios.onHold());
      const { editor } = await mount();
      await waitForText(editor, 'Your subscription is on hold');
      click(button(editor, 'Edit'));
      await waitUntil(() => $(editor, 'fieldset'));
      await openForm(editor);
      await typeInto(editor, 'number', TEST_CARDS.succeeds);
      click(button(editor, PAY_SEK));
      await waitUntil(() => fieldError(editor, 'exp'));
      expect(fieldError(editor, 'number')).to.equal('');
      expect(fieldError(editor, 'exp')).to.equal('Enter the expiry date as MM / YY.');
      expect(fieldError(editor, 'cvc')).to.equal('Enter the 3-digit security code.');
      expect(fieldError(editor, 'name')).to.equal('Enter the name on the card.');
      expect(activeId(editor)).to.equal('exp');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(
        calls.filter((call) => call.method !== 'GET'),
        'nothing sent, nothing charged',
      ).to.deep.equal([]);
      await expect(editor).to.be.accessible();

      // Choosing a saved card instead puts the form away, and that card is what is paid with.
      shadow(editor).querySelectorAll<HTMLInputElement>('input[type=radio]')[1]!.click();
      await waitUntil(() => !$(editor, '#number'));
      click(button(editor, PAY_SEK));
      await waitForText(editor, 'Payment received.');
      expect(callsTo('POST', '/portal/v1/subscriptions/sub_pro/payment-method').map((call) => JSON.parse(call.body))).to.deep.equal([{ payment_method_id: 'pm_mc_4444' }]);
    });

    it('downloads the dues invoice from the confirmation', async () => {
      useHandlers(paymentMethodScenarios.onHold());
      const { editor } = await mount();
      await waitForText(editor, 'Your subscription is on hold');
      click(button(editor, 'Edit'));
      await waitUntil(() => $(editor, 'fieldset'));
      shadow(editor).querySelectorAll<HTMLInputElement>('input[type=radio]')[1]!.click();
      const sek = new Intl.NumberFormat('en', { style: 'currency', currency: 'SEK' }).format(249).replace(/\s+/g, ' ');
      expect(visibleText(editor)).to.include(`You will be charged ${sek} now.`);
      click(button(editor, PAY_SEK));
      await waitForText(editor, 'Payment received. Your subscription is active again.');

      // Saved directly: the editor's events never included `dodo-invoice-download`.
      const announced: Event[] = [];
      editor.addEventListener('dodo-invoice-download', (event) => announced.push(event));
      const saved: string[] = [];
      const original = HTMLAnchorElement.prototype.click;
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        saved.push(this.download);
      };
      try {
        click(button(editor, 'Download invoice (PDF)'));
        await waitUntil(() => saved.length === 1, 'the invoice was never saved');
      } finally {
        HTMLAnchorElement.prototype.click = original;
      }
      expect(saved).to.deep.equal(['INV-000061.pdf']);
      expect(callsTo('GET', '/portal/v1/invoices/inv_dues_1/pdf')).to.have.length(1);
      expect(announced).to.have.length(0);

      useHandlers([http.get('*/portal/v1/invoices/:id/pdf', () => HttpResponse.error())]);
      click(button(editor, 'Download invoice (PDF)'));
      await waitForText(editor, 'The download failed. Please try again.');

      click(button(editor, 'Done'));
      await waitForText(editor, 'Mastercard •••• ending in 4444');
      expect(visibleText(editor)).to.not.include('on hold');
    });

    it('retries a confirm cut off by the network with the same idempotency key', async () => {
      useHandlers([http.post('*/portal/v1/subscriptions/:id/payment-method', () => HttpResponse.error(), { once: true }), ...paymentMethodScenarios.onHold()]);
      const { editor } = await mount();
      await waitForText(editor, 'Your subscription is on hold');
      click(button(editor, 'Edit'));
      await waitUntil(() => $(editor, 'fieldset'));
      shadow(editor).querySelectorAll<HTMLInputElement>('input[type=radio]')[1]!.click();
      const pay = () => button(editor, PAY_SEK);
      click(pay());
      await waitForText(editor, 'We could not reach the server.');
      expect(visibleText(editor)).to.include('You will not be charged twice.');
      await expect(editor).to.be.accessible();
      click(pay());
      await waitForText(editor, 'Payment received.');
      const [first, second] = callsTo('POST', '/portal/v1/subscriptions/sub_pro/payment-method');
      expect(second!.key).to.equal(first!.key);
    });

    it('says a payment is already being processed (409 charge_in_progress) and offers Refresh', async () => {
      useHandlers(paymentMethodScenarios.chargeInProgress());
      const { editor } = await mount();
      await waitForText(editor, 'Your subscription is on hold');
      click(button(editor, 'Edit'));
      await waitUntil(() => $(editor, 'fieldset'));
      click(button(editor, PAY_SEK));
      await waitForText(editor, 'A payment is already being processed.');
      expect(visibleText(editor)).to.include('Refresh in a moment');
      await expect(editor).to.be.accessible();
      const loads = callsTo('GET', '/portal/v1/subscriptions/sub_pro').length;
      click(button(editor, 'Refresh'));
      await waitUntil(() => callsTo('GET', '/portal/v1/subscriptions/sub_pro').length === loads + 1);
      await waitForText(editor, 'Your subscription is on hold');
    });

    it('ignores a second click while the payment is in flight', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const api = paymentMethodScenarios.onHold();
      useHandlers([
        http.post('*/portal/v1/subscriptions/:id/payment-method', async () => {
          await held;
        }),
        ...api,
      ]);
      const { editor } = await mount();
      await waitForText(editor, 'Your subscription is on hold');
      click(button(editor, 'Edit'));
      await waitUntil(() => $(editor, 'fieldset'));
      button(editor, PAY_SEK).click();
      await waitForText(editor, 'Processing…');
      expect(isDisabled(button(editor, 'Processing…'))).to.equal(true);
      button(editor, 'Processing…').click();
      release();
      await waitForText(editor, 'The payment did not go through');
      expect(callsTo('POST', '/portal/v1/subscriptions/sub_pro/payment-method')).to.have.length(1);
    });
  });

  describe('saved cards (no subscription-id)', () => {
    it('lists, removes with a confirmation, and explains 409 payment_method_in_use', async () => {
      useHandlers(paymentMethodScenarios.saved());
      const { editor } = await mount({ subscriptionId: '' });
      await waitForText(editor, 'Saved cards');
      expect(visibleText(editor)).to.include('Visa •••• ending in 4242');
      expect(visibleText(editor)).to.include('Mastercard •••• ending in 4444');
      await expect(editor).to.be.accessible();
      const updated: PaymentMethodUpdatedEvent[] = [];
      editor.addEventListener('dodo-payment-method-updated', (event) => updated.push(event));

      click(button(editor, 'Remove card ending in 4444'));
      await waitForText(editor, 'Remove this card?');
      expect(shadow(editor).activeElement!.textContent!.trim(), 'focus on the confirmation').to.equal('Remove card');
      expect(callsTo('DELETE', '/portal/v1/payment-methods/pm_mc_4444'), 'nothing until confirmed').to.have.length(0);
      await expect(editor).to.be.accessible();
      click(button(editor, 'Remove card'));
      await waitUntil(() => shadow(editor).querySelectorAll('li').length === 1, 'the card was never removed');
      expect($(editor, '[role="status"]')!.textContent!.trim()).to.equal('Card ending in 4444 removed.');
      expect(callsTo('DELETE', '/portal/v1/payment-methods/pm_mc_4444')).to.have.length(1);
      expect(updated.map((event) => event.detail)).to.deep.equal([{ change: 'removed', paymentMethodId: 'pm_mc_4444', subscriptionId: null }]);

      click(button(editor, 'Remove card ending in 4242'));
      await waitForText(editor, 'Remove this card?');
      click(button(editor, 'Remove card'));
      await waitForText(editor, 'This card pays for an active subscription.');
      expect(visibleText(editor)).to.include('Visa •••• ending in 4242');
      await expect(editor).to.be.accessible();
    });

    it('removing a card that pays a subscription asks which card pays it from now on, then shows the true state', async () => {
      useHandlers(paymentMethodScenarios.saved());
      const { editor } = await mount({ subscriptionId: '' });
      await waitForText(editor, 'Saved cards');
      const updated: PaymentMethodUpdatedEvent[] = [];
      editor.addEventListener('dodo-payment-method-updated', (event) => updated.push(event));

      click(button(editor, 'Remove card ending in 4242'));
      await waitForText(editor, 'Remove this card?');
      click(button(editor, 'Remove card'));
      await waitForText(editor, 'The card ending in 4242 pays for subscriptions. Choose the card that pays each from now on.');
      const select = () => $<HTMLSelectElement>(editor, '#reassign-sub_pro')!;
      expect(shadow(editor).querySelector('label[for="reassign-sub_pro"]')!.textContent!.trim()).to.equal('Pro');
      expect([...select().options].map((option) => [option.value, option.textContent!.replace(/\s+/g, ' ').trim()])).to.deep.equal([
        ['', 'Choose a card'],
        ['pm_mc_4444', 'Mastercard ending in 4444'],
      ]);
      expect(select().value, 'no card is chosen for the customer').to.equal('');
      expect(shadow(editor).activeElement === select(), 'focus on the choice').to.equal(true);
      expect(visibleText(editor), 'the card is still there until the choice is confirmed').to.include('Visa •••• ending in 4242');
      await expect(editor).to.be.accessible();
      const [asked] = callsTo('DELETE', '/portal/v1/payment-methods/pm_visa_4242');
      expect(asked!.body).to.equal('');

      // Confirming without a choice says so at the subscription and sends nothing.
      click(button(editor, 'Remove card and switch'));
      await waitUntil(() => fieldError(editor, 'reassign-sub_pro'));
      expect(fieldError(editor, 'reassign-sub_pro')).to.equal('Choose the card that pays this subscription.');
      expect(select().getAttribute('aria-invalid')).to.equal('true');
      expect(callsTo('DELETE', '/portal/v1/payment-methods/pm_visa_4242')).to.have.length(1);
      await expect(editor).to.be.accessible();

      select().value = 'pm_mc_4444';
      select().dispatchEvent(new Event('change'));
      const loads = callsTo('GET', '/portal/v1/payment-methods').length;
      click(button(editor, 'Remove card and switch'));
      await waitUntil(() => shadow(editor).querySelectorAll('li').length === 1 && !$(editor, '.reassign'), 'the card was never removed');
      await waitUntil(() => callsTo('GET', '/portal/v1/payment-methods').length === loads + 1, 'the list was not read again');
      const removal = callsTo('DELETE', '/portal/v1/payment-methods/pm_visa_4242')[1]!;
      await waitUntil(() => removal.body);
      expect(JSON.parse(removal.body)).to.deep.equal({ replacements: { sub_pro: 'pm_mc_4444' } });
      // The re-read list's answer renders a moment after the request (the card it names is now the default).
      await waitUntil(() => visibleText(editor).includes('Default'), 'the re-read list was never shown');
      expect([...shadow(editor).querySelectorAll('li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal([
        'Mastercard •••• ending in 4444 Expires 08/31 Default Remove card ending in 4444',
      ]);
      expect($(editor, '[role="status"]')!.textContent!.trim()).to.equal('Card ending in 4242 removed.');
      expect(updated.map((event) => event.detail)).to.deep.equal([
        { change: 'removed', paymentMethodId: 'pm_visa_4242', subscriptionId: null },
        { change: 'selected', paymentMethodId: 'pm_mc_4444', subscriptionId: 'sub_pro' },
      ]);

      // The Mastercard pays the subscription now and is the only card: it is kept.
      click(button(editor, 'Remove card ending in 4444'));
      await waitForText(editor, 'Remove this card?');
      click(button(editor, 'Remove card'));
      await waitForText(editor, 'This card pays for an active subscription.');
      expect($(editor, '.reassign')).to.equal(null);
    });

    it('marks the default card and makes another one the default', async () => {
      useHandlers(paymentMethodScenarios.saved());
      const { editor } = await mount({ subscriptionId: '' });
      await waitForText(editor, 'Saved cards');
      const items = () => [...shadow(editor).querySelectorAll('li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
      expect(items()).to.deep.equal([
        'Visa •••• ending in 4242 Expires 03/30 Default Remove card ending in 4242',
        'Mastercard •••• ending in 4444 Expires 08/31 Make default card ending in 4444 Remove card ending in 4444',
      ]);
      expect($(editor, '[part="badge"]')!.textContent!.trim()).to.equal('Default');
      await expect(editor).to.be.accessible();

      click(button(editor, 'Make default card ending in 4444'));
      await waitUntil(() => items()[0]!.startsWith('Mastercard'), 'the new default was never listed first');
      expect(items()).to.deep.equal([
        'Mastercard •••• ending in 4444 Expires 08/31 Default Remove card ending in 4444',
        'Visa •••• ending in 4242 Expires 03/30 Make default card ending in 4242 Remove card ending in 4242',
      ]);
      expect(callsTo('POST', '/portal/v1/payment-methods/pm_mc_4444/default')).to.have.length(1);
      expect($(editor, '[role="status"]')!.textContent!.trim()).to.equal('Card ending in 4444 is now your default.');
      expect(shadow(editor).activeElement?.textContent?.replace(/\s+/g, ' ').trim(), 'focus stays in the list').to.equal('Remove card ending in 4444');
      await expect(editor).to.be.accessible();
    });

    it('says when there are none', async () => {
      useHandlers(paymentMethodsApi({ methods: [] }));
      const { editor } = await mount({ subscriptionId: '' });
      await waitForText(editor, 'No saved cards yet.');
      await expect(editor).to.be.accessible();
    });
  });
});
