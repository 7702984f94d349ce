import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import { http, HttpResponse } from 'msw';
import '../../define/dodo-key-vault.ts';
import type { KeyCopiedEvent, KeyInstanceDeactivatedEvent, SessionExpiredEvent } from '../../events.ts';
import { formatDate } from '../../format.ts';
import { EXPIRED_SESSION_TOKEN, MOCK_API_BASE, MOCK_SESSION_TOKEN, licenseKeyApi, licenseKeyScenarios } from '../../mocks/handlers.ts';
import { apiRequests, button, confirmationText, waitForExpired, isDisabled, shadow, startMocks, text, useHandlers, visibleText, waitForText, worker } from '../../test/harness.ts';
import type { DodoKeyVault } from './key-vault.ts';

const STUDIO_KEY = 'H7KQ2-MX4PA-9TRZC-W3NDF-7KQ2M';

async function mountVault({ token = MOCK_SESSION_TOKEN, locale = 'en' } = {}): Promise<DodoKeyVault> {
  const portal = await fixture(html`
    <dodo-portal api-base=${MOCK_API_BASE} session-token=${token} locale=${locale}>
      <dodo-key-vault></dodo-key-vault>
    </dodo-portal>
  `);
  return portal.querySelector('dodo-key-vault')!;
}

const card = (vault: Element, id: string): HTMLElement => {
  const found = shadow(vault).querySelector<HTMLElement>(`[data-key-id="${id}"]`);
  if (!found) throw new Error(`No key card ${id}`);
  return found;
};
const keyField = (vault: Element, id: string) => card(vault, id).querySelector<HTMLInputElement>('input[part="key-value"]');
const dialogOf = (vault: Element): HTMLDialogElement | null => shadow(vault).querySelector('dialog');
const within = (root: Element, name: string): HTMLButtonElement => {
  const found = [...root.querySelectorAll('button')].find((candidate) => text(candidate) === name);
  if (!found) throw new Error(`No button "${name}" in ${root.localName}`);
  return found;
};

/** The element that has focus, through shadow roots. */
function deepActiveElement(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** A real mouse click in the middle of `element` (a user gesture, as the clipboard wants). */
async function mouseClick(element: Element): Promise<void> {
  element.scrollIntoView({ block: 'center' });
  const box = element.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
  await sendMouse({ type: 'move', position: [0, 0] });
}

/**
 * What the system clipboard holds, read the way a user would: paste (Ctrl+V) into a textarea.
 * (Headless Chromium refuses `navigator.clipboard.readText()` without a permission prompt.)
 */
async function pasteClipboard(): Promise<string> {
  const area = document.createElement('textarea');
  area.setAttribute('aria-label', 'paste target');
  document.body.append(area);
  try {
    area.focus();
    await sendKeys({ down: 'Control' });
    await sendKeys({ press: 'KeyV' });
    await sendKeys({ up: 'Control' });
    await waitUntil(() => area.value !== '', 'nothing was pasted', { timeout: 2_000 }).catch(() => undefined);
    return area.value;
  } finally {
    area.remove();
  }
}

async function waitForKeys(vault: DodoKeyVault): Promise<void> {
  await waitUntil(() => shadow(vault).querySelector('[part="key"]'), `no keys; text was: ${visibleText(vault)}`, { timeout: 5_000 });
}

/** `METHOD path` of every portal request since the test began (the harness records only URLs). */
const calls: string[] = [];
const requestsWith = (method: string): string[] => calls.filter((call) => call.startsWith(`${method} `));

describe('<dodo-key-vault>', () => {
  before(async () => {
    await startMocks();
    worker.events.on('request:start', ({ request }) => {
      calls.push(`${request.method} ${new URL(request.url).pathname}`);
    });
  });
  beforeEach(() => {
    calls.length = 0;
  });

  describe('keys', () => {
    it('groups keys by purchase with product, invoice or subscription, status, expiry and activations', async () => {
      useHandlers(licenseKeyScenarios.keys());
      const vault = await mountVault();
      await waitForKeys(vault);

      const groups = [...shadow(vault).querySelectorAll('[part="group"]')];
      expect(groups.map((group) => text(group.querySelector('[part="group-title"]')))).to.deep.equal([
        'Acme Studio Pro · Subscription',
        'Acme Fonts, Acme Plugin Pack · Invoice INV-000042',
        'Acme Classic · Invoice INV-000017',
      ]);
      // Each group is a region named by its heading.
      for (const group of groups) {
        const heading = shadow(vault).getElementById(group.getAttribute('aria-labelledby')!);
        expect(heading?.tagName).to.equal('H3');
      }
      expect(groups.map((group) => [...group.querySelectorAll('[part="key"]')].map((key) => key.getAttribute('data-key-id')))).to.deep.equal([
        ['lk_studio'],
        ['lk_fonts', 'lk_plugins'],
        ['lk_legacy'],
      ]);

      const studio = text(card(vault, 'lk_studio'));
      expect(studio)
        .to.include('Active')
        .and.include(`Expires ${formatDate('2027-03-12T00:00:00.000Z', 'en')}`)
        .and.include('2 of 3 activations');
      expect(text(card(vault, 'lk_fonts')))
        .to.include('Never expires')
        .and.include('Unlimited activations (1 in use)');
      expect(text(card(vault, 'lk_plugins')))
        .to.include('Expired')
        .and.include(`Expired ${formatDate('2025-09-14T12:00:00.000Z', 'en')}`)
        .and.include('0 of 1 activations');
      expect(text(card(vault, 'lk_legacy'))).to.include('Disabled');
      expect(card(vault, 'lk_legacy').querySelector('.badge--disabled')).to.not.equal(null);
      await expect(vault).to.be.accessible();
    });

    it('masks every key by default and says so to screen readers', async () => {
      useHandlers(licenseKeyScenarios.keys());
      const vault = await mountVault();
      await waitForKeys(vault);
      const value = card(vault, 'lk_studio').querySelector('[part="key-value"]')!;
      expect(value.querySelector('[aria-hidden="true"]')!.textContent).to.equal('•••••-•••••-•••••-•••••-7KQ2M');
      expect(text(value.querySelector('.visually-hidden'))).to.equal('Hidden key ending in 7KQ2M');
      expect(visibleText(vault)).to.not.include(STUDIO_KEY);
      expect(apiRequests('license-keys/lk_studio')).to.have.length(0);
    });
  });

  describe('reveal', () => {
    it('fetches the full key on Reveal into a selectable monospace field, and hides it again', async () => {
      useHandlers(licenseKeyScenarios.keys());
      const vault = await mountVault();
      await waitForKeys(vault);

      const reveal = button(vault, 'Reveal Acme Studio Pro');
      reveal.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => keyField(vault, 'lk_studio'), 'the key was never revealed');
      const field = keyField(vault, 'lk_studio')!;
      expect(field.value).to.equal(STUDIO_KEY);
      expect(field.readOnly).to.equal(true);
      expect(field.getAttribute('aria-label')).to.equal('License key for Acme Studio Pro');
      expect(getComputedStyle(field).fontFamily).to.match(/mono/i);
      expect(apiRequests('license-keys/lk_studio')).to.have.length(1);
      expect(apiRequests('license-keys/lk_studio')[0]!.authorization).to.equal(`Bearer ${MOCK_SESSION_TOKEN}`);
      // Only the revealed key: the others stay masked.
      expect(keyField(vault, 'lk_fonts')).to.equal(null);
      await expect(vault).to.be.accessible();

      // The same button now hides it, and keeps focus.
      const hide = button(vault, 'Hide Acme Studio Pro');
      expect(hide).to.equal(reveal);
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => !keyField(vault, 'lk_studio'), 'the key stayed revealed');
      expect(deepActiveElement()).to.equal(button(vault, 'Reveal Acme Studio Pro'));
      expect(visibleText(vault)).to.not.include(STUDIO_KEY);
    });

    it('forgets revealed keys when the session changes', async () => {
      useHandlers(licenseKeyScenarios.keys());
      const vault = await mountVault();
      await waitForKeys(vault);
      button(vault, 'Reveal Acme Studio Pro').click();
      await waitUntil(() => keyField(vault, 'lk_studio'), 'the key was never revealed');

      const portal = vault.closest('dodo-portal')!;
      portal.sessionToken = 'pst_test_other_customer';
      await waitUntil(() => apiRequests('license-keys').length === 2, 'no reload with the new token');
      await waitForKeys(vault);
      expect(apiRequests('license-keys')[1]!.authorization).to.equal('Bearer pst_test_other_customer');
      expect(keyField(vault, 'lk_studio')).to.equal(null);
      expect(shadow(vault).querySelector('input')).to.equal(null);
    });

    it('says so when the key cannot be fetched', async () => {
      useHandlers([
        http.get('*/portal/v1/license-keys/:id', () => HttpResponse.json({ error: { code: 'internal_error', message: 'x' } }, { status: 500 }), { once: true }),
        ...licenseKeyApi(),
      ]);
      const vault = await mountVault();
      await waitForKeys(vault);
      button(vault, 'Reveal Acme Studio Pro').click();
      await waitForText(vault, "We couldn't fetch the key. Please try again.");
      expect(card(vault, 'lk_studio').querySelector('[role="alert"]')!.textContent).to.include("couldn't fetch");
      expect(isDisabled(button(vault, 'Reveal Acme Studio Pro'))).to.equal(false);
      await expect(vault).to.be.accessible();
      button(vault, 'Reveal Acme Studio Pro').click();
      await waitUntil(() => keyField(vault, 'lk_studio'), 'retrying did not reveal the key');
      expect(visibleText(vault)).to.not.include("couldn't fetch");
    });
  });

  describe('copy', () => {
    it('copies the full key to the real clipboard, confirms politely and fires dodo-key-copied without the key', async () => {
      useHandlers(licenseKeyScenarios.keys());
      const vault = await mountVault();
      await waitForKeys(vault);
      const events: KeyCopiedEvent[] = [];
      const onCopied = (event: KeyCopiedEvent) => events.push(event);
      document.addEventListener('dodo-key-copied', onCopied);
      try {
        await mouseClick(button(vault, 'Copy Acme Studio Pro'));
        const status = card(vault, 'lk_studio').querySelector('[part="copy-status"]')!;
        await waitUntil(() => text(status) === 'Copied', `no confirmation; status was "${text(status)}"`);
        expect(status.getAttribute('role')).to.equal('status');
        // Copying a masked key reveals it first (the customer sees what they copied).
        expect(keyField(vault, 'lk_studio')!.value).to.equal(STUDIO_KEY);
        expect(await pasteClipboard()).to.equal(STUDIO_KEY);

        expect(events).to.have.length(1);
        expect(events[0]!.detail).to.deep.equal({ licenseKeyId: 'lk_studio' });
        expect(events[0]!.bubbles && events[0]!.composed).to.equal(true);
        expect(JSON.stringify(events[0]!.detail)).to.not.include('7KQ2M');
        await expect(vault).to.be.accessible();

        // The confirmation clears itself after a few seconds.
        await waitUntil(() => text(status) === '', 'Copied never cleared', { timeout: 6_000, interval: 200 });
      } finally {
        document.removeEventListener('dodo-key-copied', onCopied);
      }
    });

    it('copies from the keyboard too', async () => {
      useHandlers(licenseKeyScenarios.keys());
      const vault = await mountVault();
      await waitForKeys(vault);
      button(vault, 'Copy Acme Fonts').focus();
      await sendKeys({ press: 'Space' });
      await waitUntil(() => text(card(vault, 'lk_fonts').querySelector('[part="copy-status"]')) === 'Copied');
      expect(await pasteClipboard()).to.equal('P4WXD-2HNQ8-LCV6R-KM9TE-B8FJ3');
    });

    describe('when the browser refuses the clipboard', () => {
      const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard')!;
      // The browser's API, not ours: a page whose permissions policy blocks clipboard-write.
      beforeEach(() => {
        Object.defineProperty(navigator, 'clipboard', {
          configurable: true,
          value: { writeText: () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')) },
        });
      });
      afterEach(() => {
        delete (navigator as { clipboard?: unknown }).clipboard;
        Object.defineProperty(Navigator.prototype, 'clipboard', original);
      });

      it('selects the revealed key and tells the customer how to copy it', async () => {
        useHandlers(licenseKeyScenarios.keys());
        const vault = await mountVault();
        await waitForKeys(vault);
        const events: KeyCopiedEvent[] = [];
        vault.addEventListener('dodo-key-copied', (event) => events.push(event));
        button(vault, 'Copy Acme Studio Pro').click();
        await waitForText(vault, 'Copying was blocked. The key is selected: press Ctrl+C');
        const field = keyField(vault, 'lk_studio')!;
        expect(deepActiveElement()).to.equal(field);
        expect([field.selectionStart, field.selectionEnd]).to.deep.equal([0, STUDIO_KEY.length]);
        expect(events).to.have.length(0);
        await expect(vault).to.be.accessible();
      });
    });
  });

  describe('activations', () => {
    it('lists the devices of a key on demand', async () => {
      useHandlers(licenseKeyScenarios.keys());
      const vault = await mountVault();
      await waitForKeys(vault);
      const toggle = button(vault, 'Activations Acme Studio Pro');
      expect(toggle.getAttribute('aria-expanded')).to.equal('false');
      expect(apiRequests('license-keys/lk_studio/instances')).to.have.length(0);

      toggle.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => card(vault, 'lk_studio').querySelector('[part="instance"]'), 'no activations listed');
      expect(toggle.getAttribute('aria-expanded')).to.equal('true');
      const panel = shadow(vault).getElementById(toggle.getAttribute('aria-controls')!)!;
      expect([...panel.querySelectorAll('[part="instance"]')].map((item) => text(item))).to.deep.equal([
        `Ada’s MacBook Pro Activated ${formatDate('2025-03-15T09:30:00.000Z', 'en')} Deactivate Ada’s MacBook Pro`,
        `Studio workstation Activated ${formatDate('2025-04-02T14:00:00.000Z', 'en')} Deactivate Studio workstation`,
      ]);
      await expect(vault).to.be.accessible();

      await sendKeys({ press: 'Enter' });
      await waitUntil(() => !card(vault, 'lk_studio').querySelector('[part="instances"]'), 'the list did not close');
      expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    });

    it('says when a key is not activated anywhere', async () => {
      useHandlers(licenseKeyScenarios.keys());
      const vault = await mountVault();
      await waitForKeys(vault);
      button(vault, 'Activations Acme Plugin Pack').click();
      await waitForText(vault, 'Not activated on any device yet.');
    });

    it('deactivates a device after a confirmation that takes and returns focus', async () => {
      useHandlers(licenseKeyScenarios.keys());
      const vault = await mountVault();
      await waitForKeys(vault);
      const events: KeyInstanceDeactivatedEvent[] = [];
      const onDeactivated = (event: KeyInstanceDeactivatedEvent) => events.push(event);
      document.addEventListener('dodo-key-instance-deactivated', onDeactivated);
      try {
        button(vault, 'Activations Acme Studio Pro').click();
        await waitUntil(() => card(vault, 'lk_studio').querySelector('[part="instance"]'));

        const trigger = button(vault, 'Deactivate Ada’s MacBook Pro');
        trigger.focus();
        await sendKeys({ press: 'Enter' });
        await waitUntil(() => dialogOf(vault)?.open, 'no confirmation dialog');
        const dialog = dialogOf(vault)!;
        expect(dialog.matches(':modal')).to.equal(true);
        expect(dialog.contains(deepActiveElement()), 'focus moved into the dialog').to.equal(true);
        expect(text(deepActiveElement())).to.equal('Cancel');
        expect(text(dialog)).to.include('Deactivate Ada’s MacBook Pro?').and.include('frees one activation of your Acme Studio Pro key');
        // Nothing is deleted before the customer confirms.
        expect(requestsWith('DELETE')).to.have.length(0);
        await expect(vault).to.be.accessible();

        // Tab to Deactivate and confirm with the keyboard.
        await sendKeys({ press: 'Tab' });
        expect(text(deepActiveElement())).to.equal('Deactivate');
        await sendKeys({ press: 'Enter' });
        await waitUntil(() => !dialogOf(vault), 'the dialog stayed open');

        expect(requestsWith('DELETE')).to.deep.equal(['DELETE /portal/v1/license-keys/lk_studio/instances/lki_studio_1']);
        expect(events).to.have.length(1);
        expect(events[0]!.detail).to.deep.equal({ licenseKeyId: 'lk_studio', instanceId: 'lki_studio_1' });
        expect(events[0]!.bubbles && events[0]!.composed).to.equal(true);
        expect(text(card(vault, 'lk_studio')))
          .to.include('1 of 3 activations')
          .and.not.include('Ada’s MacBook Pro');
        expect(confirmationText(vault)).to.equal('Ada’s MacBook Pro was deactivated.');
        // The device's button is gone: focus lands on the key's Activations button, not <body>.
        expect(deepActiveElement()).to.equal(button(vault, 'Activations Acme Studio Pro'));
        await expect(vault).to.be.accessible();
      } finally {
        document.removeEventListener('dodo-key-instance-deactivated', onDeactivated);
      }
    });

    it('keeps the device when the customer cancels or presses Escape, and returns focus', async () => {
      useHandlers(licenseKeyScenarios.keys());
      const vault = await mountVault();
      await waitForKeys(vault);
      button(vault, 'Activations Acme Studio Pro').click();
      await waitUntil(() => card(vault, 'lk_studio').querySelector('[part="instance"]'));
      const trigger = button(vault, 'Deactivate Studio workstation');
      trigger.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => dialogOf(vault)?.open);
      await sendKeys({ press: 'Escape' });
      await waitUntil(() => !dialogOf(vault), 'Escape did not close the dialog');
      expect(deepActiveElement()).to.equal(trigger);

      trigger.click();
      await waitUntil(() => dialogOf(vault)?.open);
      within(dialogOf(vault)!, 'Cancel').click();
      await waitUntil(() => !dialogOf(vault));
      expect(requestsWith('DELETE')).to.have.length(0);
      expect(text(card(vault, 'lk_studio')))
        .to.include('2 of 3 activations')
        .and.include('Studio workstation');
    });

    it('offers no Deactivate when the business does not allow it, and says what to do instead', async () => {
      useHandlers(licenseKeyScenarios.deactivationDisabled());
      const vault = await mountVault();
      await waitForKeys(vault);
      button(vault, 'Activations Acme Studio Pro').click();
      await waitUntil(() => card(vault, 'lk_studio').querySelector('[part="instance"]'));
      expect([...card(vault, 'lk_studio').querySelectorAll('[part="instances"] button')]).to.have.length(0);
      expect(text(card(vault, 'lk_studio'))).to.include('To free an activation, deactivate the key in the software itself');
      await expect(vault).to.be.accessible();
    });

    it('shows the server’s refusal inside the dialog', async () => {
      useHandlers([
        http.delete('*/portal/v1/license-keys/:id/instances/:instanceId', () => HttpResponse.json({ error: { code: 'key_deactivation_disabled', message: 'no' } }, { status: 403 })),
        ...licenseKeyApi(),
      ]);
      const vault = await mountVault();
      await waitForKeys(vault);
      button(vault, 'Activations Acme Studio Pro').click();
      await waitUntil(() => card(vault, 'lk_studio').querySelector('[part="instance"]'));
      button(vault, 'Deactivate Studio workstation').click();
      await waitUntil(() => dialogOf(vault)?.open);
      within(dialogOf(vault)!, 'Deactivate').click();
      await waitUntil(() => text(dialogOf(vault)).includes('The seller does not allow deactivating devices here.'));
      expect(dialogOf(vault)!.open).to.equal(true);
      await expect(vault).to.be.accessible();
    });
  });

  describe('states', () => {
    it('shows a skeleton while loading, with aria-busy', async () => {
      useHandlers(licenseKeyScenarios.loading());
      const vault = await mountVault();
      await waitUntil(() => apiRequests('license-keys').length === 1, 'the keys were never requested');
      expect(shadow(vault).querySelector('[aria-busy="true"]')).to.not.equal(null);
      expect(text(shadow(vault).querySelector('[role="status"]'))).to.equal('Loading license keys…');
      await expect(vault).to.be.accessible();
    });

    it('says where keys come from when there are none', async () => {
      useHandlers(licenseKeyScenarios.empty());
      const vault = await mountVault();
      await waitForText(vault, 'No license keys yet');
      expect(text(shadow(vault).querySelector('[part="empty"]'))).to.include('License keys for the software you buy appear here');
      await expect(vault).to.be.accessible();
    });

    it('shows a load failure and recovers on Retry', async () => {
      useHandlers([http.get('*/portal/v1/license-keys', () => HttpResponse.json({ error: { code: 'internal_error', message: 'x' } }, { status: 500 }), { once: true }), ...licenseKeyApi()]);
      const vault = await mountVault();
      await waitForText(vault, "We couldn't load your license keys.");
      expect(shadow(vault).querySelector('[part="error"]')!.getAttribute('role')).to.equal('alert');
      await expect(vault).to.be.accessible();
      button(vault, 'Retry').click();
      await waitForKeys(vault);
      expect(apiRequests('license-keys')).to.have.length(2);
    });

    it('explains an expired session and fires dodo-session-expired once', async () => {
      useHandlers(licenseKeyScenarios.expired());
      const events: SessionExpiredEvent[] = [];
      const onExpired = (event: SessionExpiredEvent) => events.push(event);
      document.addEventListener('dodo-session-expired', onExpired);
      try {
        const vault = await mountVault({ token: EXPIRED_SESSION_TOKEN });
        await waitForExpired(vault);
        expect(events).to.have.length(1);
        await expect(vault.closest('dodo-portal')!).to.be.accessible();
      } finally {
        document.removeEventListener('dodo-session-expired', onExpired);
      }
    });
  });

  describe('in Swedish', () => {
    it('speaks Swedish and formats dates in Swedish', async () => {
      useHandlers(licenseKeyScenarios.keys());
      const vault = await mountVault({ locale: 'sv' });
      await waitForText(vault, 'Prenumeration');
      const all = visibleText(vault);
      for (const swedish of ['Faktura INV-000042', '2 av 3 aktiveringar', 'Går aldrig ut', 'Visa', 'Kopiera', 'Aktiv', 'Utgången', 'Spärrad']) {
        expect(all).to.include(swedish);
      }
      expect(all).to.include(`Går ut ${formatDate('2027-03-12T00:00:00.000Z', 'sv')}`);
      for (const english of ['Reveal', 'Copy', 'Never expires', 'activations', 'Subscription']) {
        expect(all).to.not.include(english);
      }
      await expect(vault).to.be.accessible();
    });
  });
});
