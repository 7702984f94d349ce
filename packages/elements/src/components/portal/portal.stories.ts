import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../../define/dodo-portal.ts';
import { MOCK_API_BASE, MOCK_SESSION_TOKEN, scenarios } from '../../mocks/handlers.ts';

interface Args {
  locale: string;
  sessionToken: string;
}

/** `<dodo-portal>` without children renders the complete portal. */
const meta: Meta<Args> = {
  title: 'Elements/Portal',
  component: 'dodo-portal',
  args: { locale: 'en', sessionToken: MOCK_SESSION_TOKEN },
  argTypes: { locale: { control: 'select', options: ['en', 'en-GB', 'sv', 'sv-SE'] } },
  render: ({ locale, sessionToken }) => html`
    <dodo-portal api-base=${MOCK_API_BASE} session-token=${sessionToken} locale=${locale}></dodo-portal>
  `,
  parameters: { msw: { handlers: scenarios.manyPages() } },
};
export default meta;

type Story = StoryObj<Args>;

export const Complete: Story = {};

export const Swedish: Story = { args: { locale: 'sv' } };
