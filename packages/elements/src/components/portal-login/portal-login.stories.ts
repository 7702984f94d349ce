import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../../define/dodo-portal-login.ts';
import { MOCK_API_BASE, loginScenarios } from '../../mocks/handlers.ts';

interface Args {
  locale: string;
  mode: 'test' | 'live';
}

/**
 * `<dodo-portal-login>`: email sign-in, as on the static login page. Submit an address to see the
 * confirmation (or, in the other stories, the error faces).
 */
const meta: Meta<Args> = {
  title: 'Elements/Portal login',
  component: 'dodo-portal-login',
  args: { locale: 'en', mode: 'test' },
  argTypes: {
    locale: { control: 'select', options: ['en', 'sv', 'sv-SE'] },
    mode: { control: 'inline-radio', options: ['test', 'live'] },
  },
  render: ({ locale, mode }) => html`
    <dodo-portal-login api-base=${MOCK_API_BASE} business-id="biz_0123456789abcdefghjkmnpqrs" mode=${mode} locale=${locale}></dodo-portal-login>
  `,
  parameters: { msw: { handlers: loginScenarios.accepted() } },
};
export default meta;

type Story = StoryObj<Args>;

/** Enter any email and submit: the answer is the same "check your email" for every address. */
export const Form: Story = {};

export const Swedish: Story = { args: { locale: 'sv' } };

/** The server answers 429 with `Retry-After: 600`: submit to see "try again in 10 min". */
export const RateLimited: Story = { parameters: { msw: { handlers: loginScenarios.rateLimited() } } };

/** The server fails: submit to see the error and try again. */
export const Failing: Story = { parameters: { msw: { handlers: loginScenarios.failing() } } };

/** `unified`: one link to every business where the email is a customer (the `/login` page). */
export const Unified: Story = {
  render: ({ locale, mode }) => html`
    <dodo-portal-login unified api-base=${MOCK_API_BASE} mode=${mode} locale=${locale}></dodo-portal-login>
  `,
};
