import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../../define/dodo-invoice-list.ts';
import { EXPIRED_SESSION_TOKEN, MOCK_API_BASE, MOCK_SESSION_TOKEN, invoicePayScenarios, scenarios } from '../../mocks/handlers.ts';
import { inShadow } from '../subscription-manager/story-helpers.ts';

interface Args {
  pageSize: number;
  locale: string;
  sessionToken: string;
  /** The portal's width (a phone is 375px): below 45rem the list stacks its rows as cards. */
  width: string;
}

/** `<dodo-invoice-list>` in every state, inside the `<dodo-portal>` that provides its client. */
const meta: Meta<Args> = {
  title: 'Elements/Invoice list',
  component: 'dodo-invoice-list',
  args: { pageSize: 10, locale: 'en', sessionToken: MOCK_SESSION_TOKEN, width: 'auto' },
  argTypes: {
    pageSize: { control: { type: 'number', min: 1, max: 100 } },
    locale: { control: 'select', options: ['en', 'en-GB', 'sv', 'sv-SE'] },
  },
  decorators: [
    (story, { args }) => html`
      <dodo-portal api-base=${MOCK_API_BASE} session-token=${args.sessionToken} locale=${args.locale} style="display: block; width: ${args.width}">
        ${story()}
      </dodo-portal>
    `,
  ],
  render: ({ pageSize }) => html`<dodo-invoice-list page-size=${pageSize}></dodo-invoice-list>`,
  parameters: { msw: { handlers: scenarios.manyPages() } },
};
export default meta;

type Story = StoryObj<Args>;

/** 23 invoices: page through them with Next and Previous. */
export const ManyPages: Story = {};

export const Loading: Story = { parameters: { msw: { handlers: scenarios.loading() } } };

export const Empty: Story = { parameters: { msw: { handlers: scenarios.empty() } } };

/** One invoice refunded in part ($15.00 of $49.00) and one in full: the refund shows under the status. */
export const Refunded: Story = { parameters: { msw: { handlers: scenarios.refunded() } } };

/** The server fails with 500: the customer can retry. */
export const Error: Story = { parameters: { msw: { handlers: scenarios.serverError() } } };

/** The session token is no longer valid (401 `session_expired`). */
export const Expired: Story = {
  args: { sessionToken: EXPIRED_SESSION_TOKEN },
  parameters: { msw: { handlers: scenarios.expired() } },
};

export const Swedish: Story = { args: { locale: 'sv-SE' } };

export const SwedishExpired: Story = {
  args: { locale: 'sv-SE', sessionToken: EXPIRED_SESSION_TOKEN },
  parameters: { msw: { handlers: scenarios.expired() } },
};

const list = (canvas: HTMLElement) => canvas.querySelector('dodo-invoice-list');
/** Clicks the open invoice's Pay button, then (optionally) picks the `card`-th card and confirms. */
async function pay(canvas: HTMLElement, card?: number): Promise<void> {
  (await inShadow<HTMLButtonElement>(list(canvas), '[part="actions"] .button--primary')).click();
  if (card === undefined) return;
  (await inShadow<HTMLInputElement>(list(canvas), `dialog label:nth-of-type(${card}) input`)).click();
  (await inShadow<HTMLButtonElement>(list(canvas), 'dialog .button--primary')).click();
}

/** An open invoice (INV-000002) among paid ones: it has a Pay button. */
export const Payable: Story = { parameters: { msw: { handlers: invoicePayScenarios.payable() } } };

/** Pay opens the chooser of the saved cards, the default chosen, and "Pay $X.XX". */
export const PayChooser: Story = { parameters: Payable.parameters, play: ({ canvasElement }) => pay(canvasElement) };

/** Paid with the default card: what was charged to which card; the row now says Paid. */
export const PayPaid: Story = { parameters: { msw: { handlers: invoicePayScenarios.payable() } }, play: ({ canvasElement }) => pay(canvasElement, 1) };

/** The second card declines: the reason in words, the invoice still open. */
export const PayDeclined: Story = { parameters: { msw: { handlers: invoicePayScenarios.payable() } }, play: ({ canvasElement }) => pay(canvasElement, 2) };

/** The charge is under way: "Paying…" (the mock never answers). */
export const Paying: Story = { parameters: { msw: { handlers: invoicePayScenarios.slowPay() } }, play: ({ canvasElement }) => pay(canvasElement, 1) };

/** No saved card: the dialog says to add one first. */
export const PayNoCards: Story = { parameters: { msw: { handlers: invoicePayScenarios.noCards() } }, play: ({ canvasElement }) => pay(canvasElement) };

/** Pay was clicked; the saved cards are still on their way. */
export const PayLoadingCards: Story = { parameters: { msw: { handlers: invoicePayScenarios.cardsLoading() } }, play: ({ canvasElement }) => pay(canvasElement) };

/** The saved cards could not be loaded: the dialog says so (Cancel, then Pay again, retries). */
export const PayCardsError: Story = { parameters: { msw: { handlers: invoicePayScenarios.cardsError() } }, play: ({ canvasElement }) => pay(canvasElement) };

/** A phone (375px): every invoice is a card of labelled fields; nothing scrolls sideways. */
export const Narrow: Story = { args: { width: '375px' }, parameters: { msw: { handlers: invoicePayScenarios.payable() } } };

/** The pay dialog on a phone. */
export const NarrowPayChooser: Story = { args: { width: '375px' }, parameters: { msw: { handlers: invoicePayScenarios.payable() } }, play: ({ canvasElement }) => pay(canvasElement) };

/** Long German words on a phone. */
export const NarrowGerman: Story = { args: { width: '375px', locale: 'de' }, parameters: { msw: { handlers: invoicePayScenarios.payable() } } };

export const NarrowLoading: Story = { args: { width: '375px' }, parameters: { msw: { handlers: scenarios.loading() } } };
