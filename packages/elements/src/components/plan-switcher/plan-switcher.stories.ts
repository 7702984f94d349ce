import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../../define/dodo-plan-switcher.ts';
import { MOCK_API_BASE, MOCK_SESSION_TOKEN, subscriptionScenarios } from '../../mocks/handlers.ts';
import { inShadow } from '../subscription-manager/story-helpers.ts';

interface Args {
  locale: string;
  subscriptionId: string;
}

const switcher = (canvas: HTMLElement) => canvas.querySelector('dodo-plan-switcher');
const choose = async (canvas: HTMLElement, productId: string) => (await inShadow<HTMLInputElement>(switcher(canvas), `input[value="${productId}"]`)).click();
const confirm = async (canvas: HTMLElement) => (await inShadow<HTMLButtonElement>(switcher(canvas), '[part="confirm"]')).click();

/** `<dodo-plan-switcher>` on a Pro subscription (tiers Basic → Pro → Enterprise, an add-on). */
const meta: Meta<Args> = {
  title: 'Elements/Plan switcher',
  component: 'dodo-plan-switcher',
  args: { locale: 'en', subscriptionId: 'sub_pro' },
  argTypes: { locale: { control: 'select', options: ['en', 'sv-SE'] } },
  decorators: [
    (story, { args }) => html`
      <dodo-portal api-base=${MOCK_API_BASE} session-token=${MOCK_SESSION_TOKEN} locale=${args.locale}>${story()}</dodo-portal>
    `,
  ],
  render: ({ subscriptionId }) => html`<dodo-plan-switcher subscription-id=${subscriptionId}></dodo-plan-switcher>`,
  parameters: { msw: { handlers: subscriptionScenarios.list() } },
};
export default meta;

type Story = StoryObj<Args>;

export const Tiers: Story = {};

export const Loading: Story = { parameters: { msw: { handlers: subscriptionScenarios.loading() } } };

/** Pro → Enterprise: what is charged now. */
export const PreviewUpgrade: Story = { play: ({ canvasElement }) => choose(canvasElement, 'prod_enterprise') };

/** Pro → Basic: the difference becomes credit; existing credit is applied first. */
export const PreviewDowngradeWithCredit: Story = {
  parameters: { msw: { handlers: subscriptionScenarios.withCredit() } },
  play: ({ canvasElement }) => choose(canvasElement, 'prod_basic'),
};

/** The card is declined: the plan stays, the customer can update the card. */
export const PaymentFailed: Story = {
  parameters: { msw: { handlers: subscriptionScenarios.paymentFailed() } },
  play: async ({ canvasElement }) => {
    await choose(canvasElement, 'prod_enterprise');
    await confirm(canvasElement);
  },
};

export const Success: Story = {
  play: async ({ canvasElement }) => {
    await choose(canvasElement, 'prod_enterprise');
    await confirm(canvasElement);
  },
};

/** The business does not allow plan changes: a notice, no buttons. */
export const UpdatesDisabled: Story = { parameters: { msw: { handlers: subscriptionScenarios.updatesDisabled() } } };

/** An on-hold subscription: its dues come first. */
export const OnHold: Story = { args: { subscriptionId: 'sub_hold' } };

export const Swedish: Story = { args: { locale: 'sv-SE' }, play: ({ canvasElement }) => choose(canvasElement, 'prod_enterprise') };
