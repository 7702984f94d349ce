import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../../define/dodo-transaction-list.ts';
import { EXPIRED_SESSION_TOKEN, MOCK_API_BASE, MOCK_SESSION_TOKEN, paymentScenarios } from '../../mocks/handlers.ts';

interface Args {
  pageSize: number;
  locale: string;
  sessionToken: string;
  /** The portal's width (a phone is 375px): below 45rem the list stacks its rows as cards. */
  width: string;
}

/** `<dodo-transaction-list>` in every state, inside the `<dodo-portal>` that provides its client. */
const meta: Meta<Args> = {
  title: 'Elements/Transaction list',
  component: 'dodo-transaction-list',
  args: { pageSize: 10, locale: 'en', sessionToken: MOCK_SESSION_TOKEN, width: 'auto' },
  argTypes: {
    pageSize: { control: { type: 'number', min: 1, max: 100 } },
    locale: { control: 'select', options: ['en', 'en-GB', 'sv', 'sv-SE', 'de', 'fr', 'es'] },
  },
  decorators: [
    (story, { args }) => html`
      <dodo-portal api-base=${MOCK_API_BASE} session-token=${args.sessionToken} locale=${args.locale} style="display: block; width: ${args.width}">${story()}</dodo-portal>
    `,
  ],
  render: ({ pageSize }) => html`<dodo-transaction-list page-size=${pageSize}></dodo-transaction-list>`,
  parameters: { msw: { handlers: paymentScenarios.list() } },
};
export default meta;

type Story = StoryObj<Args>;

/** One of each: succeeded, partially refunded, refunded, a declined renewal and a failed first charge (no invoice). */
export const List: Story = {};

/** 23 transactions: page through them with Next and Previous. */
export const ManyPages: Story = { parameters: { msw: { handlers: paymentScenarios.manyPages() } } };

export const Loading: Story = { parameters: { msw: { handlers: paymentScenarios.loading() } } };

export const Empty: Story = { parameters: { msw: { handlers: paymentScenarios.empty() } } };

/** The server fails with 500: the customer can retry. */
export const Error: Story = { parameters: { msw: { handlers: paymentScenarios.serverError() } } };

/** The session token is no longer valid (401 `session_expired`). */
export const Expired: Story = {
  args: { sessionToken: EXPIRED_SESSION_TOKEN },
  parameters: { msw: { handlers: paymentScenarios.expired() } },
};

export const Swedish: Story = { args: { locale: 'sv-SE' } };

/** A phone (375px): every transaction is a card of labelled fields, the card charged included. */
export const Narrow: Story = { args: { width: '375px' } };

export const NarrowFrench: Story = { args: { width: '375px', locale: 'fr' } };
