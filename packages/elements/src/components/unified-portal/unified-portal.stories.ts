import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../../define/dodo-unified-portal.ts';
import { EXPIRED_UNIFIED_TOKEN, MOCK_API_BASE, MOCK_UNIFIED_TOKEN, unifiedScenarios } from '../../mocks/handlers.ts';

interface Args {
  locale: string;
  sessionToken: string;
}

/**
 * `<dodo-unified-portal>`: every business where the signed-in email is a customer. "Open billing"
 * trades the unified token for that business's session and shows its portal in place.
 */
const meta: Meta<Args> = {
  title: 'Elements/Unified portal',
  component: 'dodo-unified-portal',
  args: { locale: 'en', sessionToken: MOCK_UNIFIED_TOKEN },
  argTypes: { locale: { control: 'select', options: ['en', 'en-GB', 'sv', 'sv-SE'] } },
  render: ({ locale, sessionToken }) => html`
    <dodo-unified-portal api-base=${MOCK_API_BASE} session-token=${sessionToken} locale=${locale}></dodo-unified-portal>
  `,
  parameters: { msw: { handlers: unifiedScenarios.overview() } },
};
export default meta;

type Story = StoryObj<Args>;

/** Two businesses; open either to see its invoices, then go back. */
export const Overview: Story = {};

export const Swedish: Story = { args: { locale: 'sv-SE' } };

export const Loading: Story = { parameters: { msw: { handlers: unifiedScenarios.loading() } } };

/** No business has the email as a customer. */
export const Empty: Story = { parameters: { msw: { handlers: unifiedScenarios.empty() } } };

export const Error: Story = { parameters: { msw: { handlers: unifiedScenarios.serverError() } } };

/** The unified session is over: sign in again from the unified login page. */
export const Expired: Story = {
  args: { sessionToken: EXPIRED_UNIFIED_TOKEN },
  parameters: { msw: { handlers: unifiedScenarios.expired() } },
};

/** The overview loads; "Open billing" fails and says so on the card. */
export const OpenFails: Story = { parameters: { msw: { handlers: unifiedScenarios.openFails() } } };
