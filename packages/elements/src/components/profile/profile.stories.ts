import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../../define/dodo-profile.ts';
import { MOCK_API_BASE, MOCK_SESSION_TOKEN, sampleProfile, subscriptionApi, subscriptionScenarios } from '../../mocks/handlers.ts';
import { inShadow } from '../subscription-manager/story-helpers.ts';

interface Args {
  locale: string;
  /** The portal's width (a phone is 375px). */
  width: string;
}

const profile = (canvas: HTMLElement) => canvas.querySelector('dodo-profile');

/** `<dodo-profile>`: the customer's details, credit and the billing-address form. */
const meta: Meta<Args> = {
  title: 'Elements/Profile',
  component: 'dodo-profile',
  args: { locale: 'en', width: 'auto' },
  argTypes: { locale: { control: 'select', options: ['en', 'sv-SE'] } },
  decorators: [
    (story, { args }) => html`
      <dodo-portal api-base=${MOCK_API_BASE} session-token=${MOCK_SESSION_TOKEN} locale=${args.locale} style="display: block; width: ${args.width}">${story()}</dodo-portal>
    `,
  ],
  render: () => html`<dodo-profile></dodo-profile>`,
  parameters: { msw: { handlers: subscriptionScenarios.withCredit() } },
};
export default meta;

type Story = StoryObj<Args>;

/** Name, email, phone, billing address and a credit balance. */
export const View: Story = {};

export const Loading: Story = { parameters: { msw: { handlers: subscriptionScenarios.loading() } } };

export const Error: Story = { parameters: { msw: { handlers: subscriptionScenarios.serverError() } } };

/** Saved: back to the details, with the visible, announced "Your details have been saved." */
export const Saved: Story = {
  play: async ({ canvasElement }) => {
    (await inShadow<HTMLButtonElement>(profile(canvasElement), '[part="actions"] button')).click();
    (await inShadow<HTMLButtonElement>(profile(canvasElement), 'button[type="submit"]')).click();
  },
};

/** The form with required fields left empty: inline messages on each. */
export const ValidationErrors: Story = {
  play: async ({ canvasElement }) => {
    (await inShadow<HTMLButtonElement>(profile(canvasElement), '[part="actions"] button')).click();
    const name = await inShadow<HTMLInputElement>(profile(canvasElement), '#name');
    name.value = '';
    (await inShadow<HTMLInputElement>(profile(canvasElement), '#city')).value = '';
    (await inShadow<HTMLButtonElement>(profile(canvasElement), 'button[type="submit"]')).click();
  },
};

/** The server refuses the postal code: the field says so. */
export const ServerRejects: Story = {
  parameters: { msw: { handlers: subscriptionScenarios.profileRejected() } },
  play: async ({ canvasElement }) => {
    (await inShadow<HTMLButtonElement>(profile(canvasElement), '[part="actions"] button')).click();
    (await inShadow<HTMLButtonElement>(profile(canvasElement), 'button[type="submit"]')).click();
  },
};

export const Swedish: Story = { args: { locale: 'sv-SE' } };

/** A phone (375px) and very long values: each label above its value, long words wrap inside the box. */
export const NarrowLongValues: Story = {
  args: { width: '375px' },
  parameters: {
    msw: {
      handlers: subscriptionApi({
        profile: {
          ...sampleProfile,
          name: 'Maximiliane Wilhelmina Freifrau von Hohenzollern-Sigmaringen',
          email: 'maximiliane.wilhelmina.hohenzollern-sigmaringen@example-long-domain.com',
          billing_address: { ...sampleProfile.billing_address!, street: 'Donaudampfschifffahrtsgesellschaftskapitänsweg 1234567890' },
        },
      }),
    },
  },
};
