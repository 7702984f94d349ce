import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../../define/dodo-key-vault.ts';
import { EXPIRED_SESSION_TOKEN, MOCK_API_BASE, MOCK_SESSION_TOKEN, licenseKeyScenarios } from '../../mocks/handlers.ts';

interface Args {
  locale: string;
  sessionToken: string;
}

/** Wait for the vault's keys, then press the button named `name` (its visible text plus the product). */
async function press(canvas: HTMLElement, name: string): Promise<void> {
  const vault = canvas.querySelector('dodo-key-vault')!;
  const find = () => [...(vault.shadowRoot?.querySelectorAll('button') ?? [])].find((button) => button.textContent!.replace(/\s+/g, ' ').trim() === name);
  for (let waited = 0; !find() && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  const button = find();
  if (!button) throw new globalThis.Error(`No button "${name}"`);
  button.click();
  await (vault as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
}

/**
 * `<dodo-key-vault>` in every state, inside the `<dodo-portal>` that provides its client. Three
 * purchases: a subscription (2 of 3 activations), a one-time purchase of two products (unlimited;
 * expired) and an older purchase whose key the seller disabled.
 */
const meta: Meta<Args> = {
  title: 'Elements/Key vault',
  component: 'dodo-key-vault',
  args: { locale: 'en', sessionToken: MOCK_SESSION_TOKEN },
  argTypes: { locale: { control: 'select', options: ['en', 'en-GB', 'sv', 'sv-SE'] } },
  decorators: [
    (story, { args }) => html`
      <dodo-portal api-base=${MOCK_API_BASE} session-token=${args.sessionToken} locale=${args.locale}>${story()}</dodo-portal>
    `,
  ],
  render: () => html`<dodo-key-vault></dodo-key-vault>`,
  parameters: { msw: { handlers: licenseKeyScenarios.keys() } },
};
export default meta;

type Story = StoryObj<Args>;

/** Keys grouped by purchase, masked, with status, expiry and activations. */
export const Keys: Story = {};

export const Loading: Story = { parameters: { msw: { handlers: licenseKeyScenarios.loading() } } };

export const Empty: Story = { parameters: { msw: { handlers: licenseKeyScenarios.empty() } } };

/** The server fails with 500: the customer can retry. */
export const Error: Story = { parameters: { msw: { handlers: licenseKeyScenarios.serverError() } } };

export const Expired: Story = {
  args: { sessionToken: EXPIRED_SESSION_TOKEN },
  parameters: { msw: { handlers: licenseKeyScenarios.expired() } },
};

/** The customer pressed Reveal: the full key in a selectable field. */
export const Revealed: Story = {
  play: async ({ canvasElement }) => press(canvasElement, 'Reveal Acme Studio Pro'),
};

/**
 * The customer pressed Copy: "Copied" for a few seconds (where the browser refuses the clipboard,
 * the key is selected instead, with how to copy it).
 */
export const Copied: Story = {
  play: async ({ canvasElement }) => press(canvasElement, 'Copy Acme Fonts'),
};

/** A key's activations opened, and Deactivate asking first. */
export const DeactivateConfirm: Story = {
  play: async ({ canvasElement }) => {
    await press(canvasElement, 'Activations Acme Studio Pro');
    await press(canvasElement, 'Deactivate Ada’s MacBook Pro');
  },
};

/** The customer confirmed Deactivate: the dialog closed, "… was deactivated." shows above the keys. */
export const Deactivated: Story = {
  play: async ({ canvasElement }) => {
    await press(canvasElement, 'Activations Acme Studio Pro');
    await press(canvasElement, 'Deactivate Ada’s MacBook Pro');
    await press(canvasElement, 'Deactivate');
  },
};

/** The business does not let customers free seats: no Deactivate, and what to do instead. */
export const DeactivationDisabled: Story = {
  parameters: { msw: { handlers: licenseKeyScenarios.deactivationDisabled() } },
  play: async ({ canvasElement }) => press(canvasElement, 'Activations Acme Studio Pro'),
};

export const Swedish: Story = { args: { locale: 'sv-SE' } };
