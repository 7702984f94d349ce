// The new-card form on its own, in a bare host: what it checks, what it sends where, and what it
// tells its owner. (In the element: payment-method-editor.test.ts.)
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { LitElement, type TemplateResult } from 'lit';
import { createPortalClient, type PortalClient } from '@dodo-portal/wire/client';
import { MOCK_API_BASE, MOCK_SESSION_TOKEN } from '../../mocks/handlers.ts';
import { TEST_CARDS, paymentMethodsApi } from '../../mocks/payment-methods.ts';
import { button, click, shadow, startMocks, useHandlers, worker } from '../../test/harness.ts';
import { CardForm } from './card-form.ts';
import { Feedback, type Portal } from './shared.ts';

class CardFormHost extends LitElement {
  mode = 'test';
  client: PortalClient = createPortalClient({ apiBase: MOCK_API_BASE, sessionToken: MOCK_SESSION_TOKEN });
  /** What the owner was told, in order. */
  told: string[] = [];
  portal: Portal = {
    client: () => this.client,
    testMode: () => this.mode === 'test',
    locale: () => 'en',
    sessionEnded: () => this.told.push('session ended'),
  };
  feedback = new Feedback(this, this.portal, () => undefined);
  form = new CardForm(this, this.portal, this.feedback, {
    toggled: (open) => this.told.push(open ? 'opened' : 'cancelled'),
    added: (method) => this.told.push(`added ${method.brand} ${method.last4}`),
  });

  override render(): TemplateResult {
    return html`${this.feedback.render()}${this.form.render(this.feedback.busy, '.add')}`;
  }
}
customElements.define('test-card-form', CardFormHost);

/** Every request that left the page: method and path. */
const sent: string[] = [];
const $ = (host: Element, selector: string) => shadow(host).querySelector<HTMLElement>(selector);
const errorOf = (host: Element, field: string) => ($(host, `#${field}-error`)?.textContent ?? '').trim();

async function mountOpen(mode = 'test'): Promise<CardFormHost> {
  const host = await fixture<CardFormHost>(html`<test-card-form .mode=${mode}></test-card-form>`);
  click(button(host, 'Add a new card'));
  await host.updateComplete;
  return host;
}

async function fill(host: CardFormHost, values: Record<string, string>): Promise<void> {
  for (const [field, text] of Object.entries(values)) {
    $(host, `#${field}`)!.focus();
    await sendKeys({ type: text });
  }
}

describe('CardForm', () => {
  before(async () => {
    await startMocks();
    worker.events.on('request:start', ({ request }) => {
      sent.push(`${request.method} ${new URL(request.url).pathname}`);
    });
  });
  beforeEach(() => {
    useHandlers(paymentMethodsApi());
    sent.length = 0;
  });

  it('opens on "Add a new card" with focus in the number, and tells its owner when opened and cancelled', async () => {
    const host = await mountOpen();
    await waitUntil(() => shadow(host).activeElement?.id === 'number', 'focus never reached the card number');
    click(button(host, 'Cancel'));
    await host.updateComplete;
    expect($(host, 'form')).to.equal(null);
    expect($(host, '.add')).to.exist;
    expect(host.told).to.deep.equal(['opened', 'cancelled']);
  });

  it('sends nothing while a field is wrong: each says why, focus on the first', async () => {
    const host = await mountOpen();
    await fill(host, { number: TEST_CARDS.declines.slice(0, -1) + '1', exp: '0120' });
    expect(await host.form.save(host.client)).to.equal(undefined);
    await host.updateComplete;
    expect(errorOf(host, 'number')).to.equal('This card number is not valid. Check it and try again.');
    expect(errorOf(host, 'exp')).to.equal('The card has expired.');
    expect(errorOf(host, 'cvc')).to.equal('Enter the 3-digit security code.');
    expect(errorOf(host, 'name')).to.equal('Enter the name on the card.');
    expect(shadow(host).activeElement?.id).to.equal('number');
    expect(sent).to.deep.equal([]);
    expect(host.told).to.deep.equal(['opened']);
  });

  it('tokenizes at the processor, saves the token (never the number) and hands the card to its owner', async () => {
    const host = await mountOpen();
    await fill(host, { number: TEST_CARDS.succeeds, exp: '1234', cvc: '123', name: 'Ada Lovelace' });
    const method = await host.form.save(host.client);
    expect(method?.last4).to.equal('4242');
    expect(sent).to.deep.equal(['POST /sandbox/v1/tokens', 'POST /portal/v1/payment-methods']);
    expect(host.told).to.deep.equal(['opened', 'added visa 4242']);
    await host.updateComplete;
    expect($(host, 'form'), 'the form closes once its card is saved').to.equal(null);
  });

  it('puts a refusal at the field it is about, and the bank declining the card at the number', async () => {
    const host = await mountOpen();
    await fill(host, { number: TEST_CARDS.declines, exp: '1234', cvc: '123', name: 'Ada Lovelace' });
    expect(await host.form.save(host.client)).to.equal(undefined);
    await host.updateComplete;
    expect(errorOf(host, 'number')).to.equal('Your bank declined this card. Use another card.');
    expect(shadow(host).activeElement?.id).to.equal('number');
    expect(host.told).to.deep.equal(['opened']);
    expect($(host, 'form'), 'the form stays open to fix the card').to.exist;
  });

  it('in live mode shows no inputs and sends nothing', async () => {
    const host = await mountOpen('live');
    expect($(host, 'input')).to.equal(null);
    expect($(host, '[part="notice"]')!.textContent).to.contain('New cards cannot be entered here yet.');
    expect(sent).to.deep.equal([]);
  });
});
