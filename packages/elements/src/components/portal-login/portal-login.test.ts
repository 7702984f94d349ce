import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { http, HttpResponse } from 'msw';
import type { LoginBody, UnifiedLoginBody } from '@dodo-portal/wire/schemas';
import type { LoginLinkRequestedEvent } from '../../events.ts';
import { MOCK_API_BASE, loginScenarios } from '../../mocks/handlers.ts';
import { apiRequests, button, click, shadow, startMocks, useHandlers, visibleText, waitForText } from '../../test/harness.ts';
import type { DodoPortalLogin } from './portal-login.ts';

const BUSINESS_ID = 'biz_0123456789abcdefghjkmnpqrs';

async function mountLogin({ locale = 'en', mode = 'test' } = {}) {
  const login = await fixture<DodoPortalLogin>(html`
    <dodo-portal-login api-base=${MOCK_API_BASE} business-id=${BUSINESS_ID} mode=${mode} locale=${locale}></dodo-portal-login>
  `);
  await login.updateComplete;
  return login;
}

const input = (login: DodoPortalLogin) => shadow(login).querySelector<HTMLInputElement>('input')!;
const problem = (login: DodoPortalLogin) => shadow(login).querySelector('[part="error"]')!.textContent!.trim();

/** Type like a user: focus the field with the keyboard's Tab and type into it. */
async function typeEmail(login: DodoPortalLogin, email: string) {
  input(login).focus();
  input(login).select();
  await sendKeys({ type: email });
}

describe('<dodo-portal-login>', () => {
  before(startMocks);

  it('has a labelled email field and a submit button, and is accessible', async () => {
    useHandlers(loginScenarios.accepted());
    const login = await mountLogin();
    const field = input(login);
    const label = shadow(login).querySelector<HTMLLabelElement>('label')!;
    expect(label.textContent!.trim()).to.equal('Email address');
    expect(label.htmlFor).to.equal(field.id);
    expect(field.type).to.equal('email');
    expect(field.autocomplete).to.equal('email');
    expect(visibleText(login)).to.include('Sign in to billing');
    expect(button(login, 'Email me a sign-in link').type).to.equal('submit');
    await expect(login).to.be.accessible();
  });

  it('is keyboard usable: type, Enter, and the confirmation never says whether the email is known', async () => {
    let received: LoginBody | undefined;
    useHandlers([
      http.post('*/portal/v1/login', async ({ request }) => {
        received = (await request.json()) as LoginBody;
        return HttpResponse.json({ accepted: true }, { status: 202 });
      }),
    ]);
    const events: LoginLinkRequestedEvent[] = [];
    document.addEventListener('dodo-login-link-requested', (event) => events.push(event), { once: true });
    const login = await mountLogin();
    await typeEmail(login, ' ada@example.com ');
    await sendKeys({ press: 'Enter' });
    await waitForText(login, 'Check your email');

    expect(received).to.deep.equal({ business_id: BUSINESS_ID, email: 'ada@example.com', mode: 'test' });
    expect(apiRequests('login')[0]!.authorization).to.equal(null);
    const text = visibleText(login);
    expect(text).to.include('If ada@example.com belongs to an account, a sign-in link is on its way.');
    expect(text).to.not.match(/not found|no account|unknown/i);
    const sent = shadow(login).querySelector<HTMLElement>('[part="sent"]')!;
    expect(sent.getAttribute('role')).to.equal('status');
    expect(shadow(login).activeElement).to.equal(sent);
    expect(events).to.have.length(1);
    expect(events[0]!.detail).to.deep.equal({ email: 'ada@example.com' });
    expect(events[0]!.bubbles && events[0]!.composed).to.equal(true);
    await expect(login).to.be.accessible();

    // "Send the link again" waits; "Use a different email" brings the form back, focused, with the address to edit.
    await sendKeys({ press: 'Tab' });
    expect(shadow(login).activeElement?.textContent?.trim()).to.match(/^Send the link again in \d+ s$/);
    await sendKeys({ press: 'Tab' });
    expect(shadow(login).activeElement?.textContent?.trim()).to.equal('Use a different email');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => shadow(login).activeElement === input(login), 'focus did not return to the field');
    expect(input(login).value).to.equal('ada@example.com');
  });

  it('offers to send the link again only after a minute, counting down', async () => {
    let sent = 0;
    useHandlers([
      http.post('*/portal/v1/login', () => {
        sent += 1;
        return HttpResponse.json({ accepted: true }, { status: 202 });
      }),
    ]);
    // The element's one-second ticks, run by the test instead of the clock.
    const realSetInterval = window.setInterval;
    const ticks: (() => void)[] = [];
    window.setInterval = ((tick: () => void) => (ticks.push(tick), ticks.length)) as unknown as typeof window.setInterval;
    try {
      const login = await mountLogin();
      await typeEmail(login, 'ada@example.com');
      await sendKeys({ press: 'Enter' });
      await waitForText(login, 'Check your email');
      const resend = () => shadow(login).querySelector<HTMLButtonElement>('[part="resend"]')!;
      expect(resend().textContent!.trim()).to.equal('Send the link again in 60 s');
      expect(resend().getAttribute('aria-disabled')).to.equal('true');
      resend().click();
      await login.updateComplete;
      expect(sent).to.equal(1);
      for (let second = 0; second < 60; second += 1) ticks.at(-1)!();
      await login.updateComplete;
      expect(resend().textContent!.trim()).to.equal('Send the link again');
      expect(resend().getAttribute('aria-disabled')).to.equal('false');
      resend().click();
      await waitUntil(() => sent === 2, 'the link was not sent again');
      await login.updateComplete;
      expect(resend().textContent!.trim()).to.equal('Send the link again in 60 s');
      expect(visibleText(login)).to.include('Check your email');
      await expect(login).to.be.accessible();
    } finally {
      window.setInterval = realSetInterval;
    }
  });

  it('explains an invalid address without calling the server', async () => {
    useHandlers(loginScenarios.accepted());
    const login = await mountLogin();
    await typeEmail(login, 'not-an-email');
    click(button(login, 'Email me a sign-in link'));
    await waitUntil(() => problem(login) !== '');
    expect(problem(login)).to.equal('Enter a valid email address, like name@example.com.');
    expect(input(login).getAttribute('aria-invalid')).to.equal('true');
    expect(input(login).getAttribute('aria-describedby')).to.equal('problem');
    expect(shadow(login).querySelector('[part="error"]')!.getAttribute('role')).to.equal('alert');
    expect(shadow(login).activeElement).to.equal(input(login));
    expect(apiRequests('login')).to.have.length(0);
    await expect(login).to.be.accessible();
  });

  it('shows the sending state while the request is on its way', async () => {
    useHandlers(loginScenarios.pending());
    const login = await mountLogin();
    await typeEmail(login, 'ada@example.com');
    click(button(login, 'Email me a sign-in link'));
    await waitForText(login, 'Sending…');
    expect(shadow(login).querySelector('[part="base"]')!.getAttribute('aria-busy')).to.equal('true');
    expect(button(login, 'Sending…').getAttribute('aria-disabled')).to.equal('true');
    button(login, 'Sending…').click(); // a second click while sending does nothing
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(apiRequests('login')).to.have.length(1);
    await expect(login).to.be.accessible();
  });

  for (const [name, scenario, expected] of [
    ['rate limited (429)', loginScenarios.rateLimited, 'Too many attempts. Try again in 10 min.'],
    ['failing (500)', loginScenarios.failing, "We couldn't send the link. Check your connection and try again."],
    ['unavailable (503)', loginScenarios.unavailable, 'Sign-in by email is not available right now. Please try again later.'],
  ] as const) {
    it(`says what to do when ${name}, keeps the address, and is accessible`, async () => {
      useHandlers(scenario());
      const login = await mountLogin();
      await typeEmail(login, 'ada@example.com');
      click(button(login, 'Email me a sign-in link'));
      await waitUntil(() => problem(login) !== '', 'no error shown');
      expect(problem(login)).to.equal(expected);
      expect(input(login).value).to.equal('ada@example.com');
      expect(input(login).getAttribute('aria-invalid')).to.equal('false');
      expect(shadow(login).activeElement).to.equal(input(login));
      await expect(login).to.be.accessible();
    });
  }

  it('says sign-in is unavailable (and calls nobody) when the page gave no business-id', async () => {
    useHandlers(loginScenarios.accepted());
    const login = await fixture<DodoPortalLogin>(html`<dodo-portal-login api-base=${MOCK_API_BASE} locale="en"></dodo-portal-login>`);
    await typeEmail(login, 'ada@example.com');
    click(button(login, 'Email me a sign-in link'));
    await waitUntil(() => problem(login) !== '');
    expect(problem(login)).to.equal('Sign-in by email is not available right now. Please try again later.');
    expect(apiRequests('login')).to.have.length(0);
  });

  it('recovers from a failure on the next try', async () => {
    useHandlers([
      http.post('*/portal/v1/login', () => HttpResponse.json({ error: { code: 'internal_error', message: 'x' } }, { status: 500 }), { once: true }),
      ...loginScenarios.accepted(),
    ]);
    const login = await mountLogin();
    await typeEmail(login, 'ada@example.com');
    click(button(login, 'Email me a sign-in link'));
    await waitUntil(() => problem(login) !== '');
    click(button(login, 'Email me a sign-in link'));
    await waitForText(login, 'Check your email');
    expect(apiRequests('login')).to.have.length(2);
  });

  it('speaks Swedish in every state', async () => {
    useHandlers(loginScenarios.rateLimited());
    const login = await mountLogin({ locale: 'sv-SE' });
    await waitForText(login, 'Logga in för att se din fakturering');
    expect(shadow(login).querySelector('label')!.textContent!.trim()).to.equal('E-postadress');
    await typeEmail(login, 'fel');
    click(button(login, 'Mejla mig en inloggningslänk'));
    await waitUntil(() => problem(login) !== '');
    expect(problem(login)).to.equal('Ange en giltig e-postadress, till exempel namn@exempel.se.');
    await typeEmail(login, 'asa@example.se');
    click(button(login, 'Mejla mig en inloggningslänk'));
    await waitUntil(() => problem(login).startsWith('För många'));
    expect(problem(login)).to.equal('För många försök. Försök igen om 10 min.');
    await expect(login).to.be.accessible();

    useHandlers(loginScenarios.accepted());
    click(button(login, 'Mejla mig en inloggningslänk'));
    await waitForText(login, 'Kolla din e-post');
    expect(visibleText(login)).to.include('Om asa@example.se hör till ett konto är en inloggningslänk på väg.');
    expect(button(login, 'Använd en annan e-postadress')).to.exist;
    await expect(login).to.be.accessible();
    login.locale = 'en';
    await waitForText(login, 'Check your email');
  });
  describe('unified', () => {
    it('asks for one link to every business: no business-id, the unified endpoint, the same confirmation', async () => {
      let received: UnifiedLoginBody | undefined;
      useHandlers([
        http.post('*/portal/v1/unified/login', async ({ request }) => {
          received = (await request.json()) as UnifiedLoginBody;
          return HttpResponse.json({ accepted: true }, { status: 202 });
        }),
      ]);
      const login = await fixture<DodoPortalLogin>(html`
        <dodo-portal-login unified api-base=${MOCK_API_BASE} mode="test" locale="en"></dodo-portal-login>
      `);
      expect(visibleText(login)).to.include("we'll email you one link to the billing of every business you buy from");
      await expect(login).to.be.accessible();
      await typeEmail(login, 'ada@example.com');
      await sendKeys({ press: 'Enter' });
      await waitForText(login, 'Check your email');
      expect(received).to.deep.equal({ email: 'ada@example.com', mode: 'test' });
      expect(apiRequests('login')).to.have.length(0);
      expect(apiRequests('unified/login')[0]!.authorization).to.equal(null);
      expect(visibleText(login)).to.include('If ada@example.com belongs to an account, a sign-in link is on its way.');
      await expect(login).to.be.accessible();
    });

    it('shows the same error faces (429 here) and speaks Swedish', async () => {
      useHandlers(loginScenarios.rateLimited());
      const login = await fixture<DodoPortalLogin>(html`
        <dodo-portal-login unified api-base=${MOCK_API_BASE} mode="live" locale="sv"></dodo-portal-login>
      `);
      await waitForText(login, 'alla företag där du är kund');
      await typeEmail(login, 'asa@example.se');
      click(button(login, 'Mejla mig en inloggningslänk'));
      await waitUntil(() => problem(login) !== '');
      expect(problem(login)).to.equal('För många försök. Försök igen om 10 min.');
      expect(apiRequests('unified/login')).to.have.length(1);
      await expect(login).to.be.accessible();
      login.locale = 'en';
      await waitForText(login, 'Sign in to billing');
    });
  });
});
