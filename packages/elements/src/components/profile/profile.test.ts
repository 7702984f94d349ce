import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import { http, HttpResponse } from 'msw';
import type { ProfileUpdatedEvent } from '../../events.ts';
import { EXPIRED_SESSION_TOKEN, sampleProfile, subscriptionApi, subscriptionScenarios } from '../../mocks/handlers.ts';
import { apiRequests, button, click, confirmationText, expectNoOverflow, shadow, startMocks, useHandlers, visibleText, waitForText, waitForExpired } from '../../test/harness.ts';
import { deepActiveElement, listen, mount, recordWrites, waitForSelector, type Recorded } from '../subscription-manager/subscriptions.harness.ts';
import type { DodoProfile } from './profile.ts';

const mountProfile = (options: { token?: string; locale?: string } = {}) => mount<DodoProfile>('dodo-profile', options);

const field = <E extends HTMLInputElement | HTMLSelectElement = HTMLInputElement>(profile: Element, id: string): E => shadow(profile).querySelector<E>(`#${id}`)!;

function type(profile: Element, id: string, value: string): void {
  const input = field(profile, id);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

/** The message tied to a field by aria-describedby, when the field is marked invalid. */
function fieldError(profile: Element, id: string): string | null {
  const input = field(profile, id);
  if (input.getAttribute('aria-invalid') !== 'true') return null;
  return shadow(profile).getElementById(input.getAttribute('aria-describedby')!)!.textContent!.trim();
}

async function openForm(profile: DodoProfile): Promise<void> {
  await waitForText(profile, 'Ada Lovelace');
  click(button(profile, 'Edit details'));
  await waitForSelector(profile, 'form');
}

describe('<dodo-profile>', function () {
  // axe over a dialog or form takes seconds when four browsers share the machine.
  this.timeout(30_000);
  before(startMocks);

  it('shows name, email, phone, billing address and credit balance', async () => {
    useHandlers(subscriptionScenarios.withCredit());
    const profile = await mountProfile();
    await waitForText(profile, 'Ada Lovelace');
    const text = visibleText(profile);
    for (const expected of ['ada@example.com', '+46 70 123 45 67', 'Drottninggatan 1', '111 51 Stockholm', 'Sweden', 'Credit balance', '$12.50']) {
      expect(text).to.include(expected);
    }
    await expect(profile).to.be.accessible();
  });

  it('hides the credit balance when there is none, and says what is not given', async () => {
    useHandlers(subscriptionApi({ profile: { ...sampleProfile, phone_number: null, billing_address: null } }));
    const profile = await mountProfile();
    await waitForText(profile, 'Ada Lovelace');
    expect(shadow(profile).querySelector('[part="credit"]')).to.equal(null);
    expect(visibleText(profile)).to.include('Phone Not given');
  });

  it('validates inline: required fields, messages tied with aria-describedby, focus on the first', async () => {
    const writes: Recorded[] = [];
    useHandlers([...recordWrites(writes), ...subscriptionApi()]);
    const profile = await mountProfile();
    await openForm(profile);
    expect(deepActiveElement() === field(profile, 'name'), 'focus').to.equal(true);
    // Email and phone are not editable here.
    expect(shadow(profile).querySelector('#email, #phone')).to.equal(null);
    expect(field<HTMLSelectElement>(profile, 'country').value).to.equal('SE');

    type(profile, 'name', '  ');
    type(profile, 'city', '');
    click(button(profile, 'Save'));
    await waitUntil(() => fieldError(profile, 'name') !== null);
    expect(fieldError(profile, 'name')).to.equal('Fill in this field.');
    expect(fieldError(profile, 'city')).to.equal('Fill in this field.');
    expect(fieldError(profile, 'street')).to.equal(null);
    expect(fieldError(profile, 'state'), 'state is optional').to.equal(null);
    expect(deepActiveElement() === field(profile, 'name'), 'focus').to.equal(true);
    expect(writes).to.deep.equal([]);
    await expect(profile).to.be.accessible();

    // Fixing a field clears its message as the customer types.
    type(profile, 'name', 'Ada King');
    await waitUntil(() => fieldError(profile, 'name') === null);
    expect(fieldError(profile, 'city')).to.equal('Fill in this field.');
  });

  it('saves name and address, fires dodo-profile-updated and shows the result', async () => {
    const writes: Recorded[] = [];
    useHandlers([...recordWrites(writes), ...subscriptionApi()]);
    const profile = await mountProfile();
    await openForm(profile);
    const updated = listen<ProfileUpdatedEvent>('dodo-profile-updated');
    try {
      type(profile, 'name', ' Ada King ');
      type(profile, 'street', 'Sveavägen 2');
      const country = field<HTMLSelectElement>(profile, 'country');
      country.value = 'NO';
      expect(country.selectedOptions[0]!.textContent).to.equal('Norway');
      type(profile, 'zipcode', '0150');
      click(button(profile, 'Save'));
      await waitUntil(() => updated.events.length === 1, 'no dodo-profile-updated');
      expect(writes).to.deep.equal([
        {
          method: 'PATCH',
          path: 'profile',
          body: { name: 'Ada King', billing_address: { street: 'Sveavägen 2', city: 'Stockholm', state: '', zipcode: '0150', country: 'NO' } },
          idempotencyKey: null,
        },
      ]);
      expect(updated.events[0]!.detail.profile.name).to.equal('Ada King');
      expect(updated.events[0]!.bubbles && updated.events[0]!.composed).to.equal(true);
      await waitForText(profile, 'Norway');
      expect(visibleText(profile)).to.include('Ada King');
      expect(confirmationText(profile)).to.equal('Your details have been saved.');
      expect(deepActiveElement() === button(profile, 'Edit details'), 'focus').to.equal(true);
    } finally {
      updated.stop();
    }
  });

  it('refuses a postal code that does not fit the chosen country, before calling the server', async () => {
    const writes: Recorded[] = [];
    useHandlers([...recordWrites(writes), ...subscriptionApi()]);
    const profile = await mountProfile();
    await openForm(profile);
    // A Swedish code, kept after switching the country to Germany (five digits, no space).
    field<HTMLSelectElement>(profile, 'country').value = 'DE';
    click(button(profile, 'Save'));
    await waitUntil(() => fieldError(profile, 'zipcode') !== null, 'the zipcode was not flagged');
    expect(fieldError(profile, 'zipcode')).to.equal('This is not a postal code of the country you chose: check it, or the country.');
    expect(deepActiveElement() === field(profile, 'zipcode'), 'focus').to.equal(true);
    expect(writes).to.deep.equal([]);
    await expect(profile).to.be.accessible();
    type(profile, 'zipcode', '10115');
    await waitUntil(() => fieldError(profile, 'zipcode') === null, 'a Berlin code is still refused');
  });

  it('puts the server’s validation errors on the fields they name', async () => {
    useHandlers(subscriptionScenarios.profileRejected());
    const profile = await mountProfile();
    await openForm(profile);
    click(button(profile, 'Save'));
    await waitUntil(() => fieldError(profile, 'zipcode') !== null, 'the zipcode was not flagged');
    expect(fieldError(profile, 'zipcode')).to.equal('Check this field: the value was not accepted.');
    expect(deepActiveElement() === field(profile, 'zipcode'), 'focus').to.equal(true);
    await expect(profile).to.be.accessible();
  });

  it('says when saving fails for another reason, and keeps the form', async () => {
    useHandlers([http.patch('*/portal/v1/profile', () => HttpResponse.json({ error: { code: 'internal_error', message: 'x' } }, { status: 500 })), ...subscriptionApi()]);
    const profile = await mountProfile();
    await openForm(profile);
    click(button(profile, 'Save'));
    await waitForText(profile, 'Your details could not be saved. Please try again.');
    expect(shadow(profile).querySelector('form')).to.exist;
  });

  it('keeps an open form and what was typed when another section changes the profile', async () => {
    useHandlers(subscriptionApi());
    const profile = await mountProfile();
    await openForm(profile);
    type(profile, 'name', 'Ada King');
    const before = apiRequests('profile').length;
    // What a plan change elsewhere on the page announces (it can move money to the credit balance).
    window.dispatchEvent(new CustomEvent('dodo-portal-changed', { detail: { resources: ['profile'] } }));
    await waitUntil(() => apiRequests('profile').length > before, 'the profile was not refetched');
    await profile.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 100));
    await profile.updateComplete;
    expect(shadow(profile).querySelector('form'), 'the form').to.not.equal(null);
    expect(field(profile, 'name').value).to.equal('Ada King');
  });

  it('Cancel leaves the form by keyboard and returns focus to Edit', async () => {
    useHandlers(subscriptionApi());
    const profile = await mountProfile();
    await openForm(profile);
    button(profile, 'Cancel').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !shadow(profile).querySelector('form'));
    expect(deepActiveElement() === button(profile, 'Edit details'), 'focus').to.equal(true);
  });

  it('shows loading, error and expired states', async () => {
    useHandlers(subscriptionScenarios.loading());
    let profile = await mountProfile();
    await waitForSelector(profile, '[aria-busy="true"]');
    await expect(profile).to.be.accessible();

    useHandlers(subscriptionScenarios.serverError());
    profile = await mountProfile();
    await waitForText(profile, "We couldn't load your details.");
    await expect(profile).to.be.accessible();

    useHandlers(subscriptionApi());
    profile = await mountProfile({ token: EXPIRED_SESSION_TOKEN });
    await waitForExpired(profile);
    await expect(profile.closest('dodo-portal')!).to.be.accessible();
  });

  it('speaks Swedish, with country names in Swedish', async () => {
    useHandlers(subscriptionApi());
    const profile = await mountProfile({ locale: 'sv-SE' });
    await waitForText(profile, 'Faktureringsadress');
    expect(visibleText(profile)).to.include('Sverige').and.include('Telefon');
    await expect(profile).to.be.accessible();
  });
  describe('narrow', () => {
    afterEach(() => setViewport({ width: 800, height: 600 }));
    const long = {
      ...sampleProfile,
      name: 'Maximiliane Wilhelmina Freifrau von Hohenzollern-Sigmaringen',
      email: 'maximiliane.wilhelmina.hohenzollern-sigmaringen@example-long-domain.com',
      billing_address: { ...sampleProfile.billing_address!, street: 'Donaudampfschifffahrtsgesellschaftskapitänsweg 1234567890' },
    };

    it('at 375 px long values wrap inside the box: nothing sticks out or scrolls sideways', async () => {
      await setViewport({ width: 375, height: 800 });
      useHandlers(subscriptionApi({ profile: long }));
      const profile = await mountProfile();
      await waitForText(profile, long.email);
      expectNoOverflow(profile);
      // Each label above its value.
      const [label, value] = [shadow(profile).querySelector('dt')!, shadow(profile).querySelector('dd')!];
      expect(value.getBoundingClientRect().top).to.be.greaterThan(label.getBoundingClientRect().top);
      await expect(profile).to.be.accessible();
    });

    it('at 1280 px labels and values sit side by side', async () => {
      await setViewport({ width: 1280, height: 800 });
      useHandlers(subscriptionApi({ profile: long }));
      const profile = await mountProfile();
      await waitForText(profile, long.email);
      const [label, value] = [shadow(profile).querySelector('dt')!, shadow(profile).querySelector('dd')!];
      expect(value.getBoundingClientRect().top).to.equal(label.getBoundingClientRect().top);
      expectNoOverflow(profile);
    });
  });
});
