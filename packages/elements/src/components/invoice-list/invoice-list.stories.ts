import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../../define/dodo-invoice-list.ts';
import { EXPIRED_SESSION_TOKEN, MOCK_API_BASE, MOCK_SESSION_TOKEN, scenarios } from '../../mocks/handlers.ts';

interface Args {
  pageSize: number;
  locale: string;
  sessionToken: string;
}

/** `<dodo-invoice-list>` in every state, inside the `<dodo-portal>` that provides its client. */
const meta: Meta<Args> = {
  title: 'Elements/Invoice list',
  component: 'dodo-invoice-list',
  args: { pageSize: 10, locale: 'en', sessionToken: MOCK_SESSION_TOKEN },
  argTypes: {
    pageSize: { control: { type: 'number', min: 1, max: 100 } },
    locale: { control: 'select', options: ['en', 'en-GB', 'sv', 'sv-SE'] },
  },
  decorators: [
    (story, { args }) => html`
      <dodo-portal api-base=${MOCK_API_BASE} session-token=${args.sessionToken} locale=${args.locale}>
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
