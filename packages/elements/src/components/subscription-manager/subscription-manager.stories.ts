import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../../define/dodo-subscription-manager.ts';
import { EXPIRED_SESSION_TOKEN, MOCK_API_BASE, MOCK_SESSION_TOKEN, subscriptionScenarios } from '../../mocks/handlers.ts';
import { inShadow } from './story-helpers.ts';

interface Args {
  locale: string;
  sessionToken: string;
}

/** `<dodo-subscription-manager>` in every state, inside the `<dodo-portal>` that provides its client. */
const meta: Meta<Args> = {
  title: 'Elements/Subscription manager',
  component: 'dodo-subscription-manager',
  args: { locale: 'en', sessionToken: MOCK_SESSION_TOKEN },
  argTypes: { locale: { control: 'select', options: ['en', 'sv-SE'] } },
  decorators: [
    (story, { args }) => html`
      <dodo-portal api-base=${MOCK_API_BASE} session-token=${args.sessionToken} locale=${args.locale}>${story()}</dodo-portal>
    `,
  ],
  render: () => html`<dodo-subscription-manager></dodo-subscription-manager>`,
  parameters: { msw: { handlers: subscriptionScenarios.list() } },
};
export default meta;

type Story = StoryObj<Args>;

/** Active (with add-ons), scheduled to cancel, on hold (with dues), and cancelled. */
export const List: Story = {};

export const Loading: Story = { parameters: { msw: { handlers: subscriptionScenarios.loading() } } };

export const Empty: Story = { parameters: { msw: { handlers: subscriptionScenarios.empty() } } };

export const Error: Story = { parameters: { msw: { handlers: subscriptionScenarios.serverError() } } };

export const Expired: Story = { args: { sessionToken: EXPIRED_SESSION_TOKEN } };

/** The business does not allow plan changes: no "Change plan" buttons. */
export const UpdatesDisabled: Story = { parameters: { msw: { handlers: subscriptionScenarios.updatesDisabled() } } };

/** The cancel dialog, opened on the Pro subscription. */
export const CancelDialogOpen: Story = {
  play: async ({ canvasElement }) => {
    const manager = canvasElement.querySelector('dodo-subscription-manager');
    (await inShadow<HTMLButtonElement>(manager, '[data-subscription-id="sub_pro"] [part="actions"] button:last-child')).click();
  },
};

/** Cancelled at the period end: the dialog closed, and the confirmation says until when. */
export const Cancelled: Story = {
  play: async ({ canvasElement }) => {
    const manager = canvasElement.querySelector('dodo-subscription-manager');
    (await inShadow<HTMLButtonElement>(manager, '[data-subscription-id="sub_pro"] [part="actions"] button:last-child')).click();
    (await inShadow<HTMLButtonElement>(manager, 'dialog button[type="submit"]')).click();
  },
};

/** Upgraded to Enterprise in the plan dialog: it closed, and the confirmation says what was charged. */
export const PlanChanged: Story = {
  play: async ({ canvasElement }) => {
    const manager = canvasElement.querySelector('dodo-subscription-manager');
    (await inShadow<HTMLButtonElement>(manager, '[data-subscription-id="sub_pro"] [part="actions"] button:nth-child(2)')).click();
    const switcher = await inShadow(manager, 'dialog dodo-plan-switcher');
    (await inShadow<HTMLInputElement>(switcher, 'input[value="prod_enterprise"]')).click();
    (await inShadow<HTMLButtonElement>(switcher, '[part="confirm"]')).click();
  },
};

export const Swedish: Story = { args: { locale: 'sv-SE' } };
