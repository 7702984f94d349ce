import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
// The complete portal shows a section for each registered element: register them all, as the CDN
// script does.
import '../../define/dodo-portal.ts';
import '../../define/dodo-subscription-manager.ts';
import '../../define/dodo-payment-method-editor.ts';
import '../../define/dodo-invoice-list.ts';
import '../../define/dodo-transaction-list.ts';
import '../../define/dodo-key-vault.ts';
import '../../define/dodo-profile.ts';
import { EXPIRED_SESSION_TOKEN, MOCK_API_BASE, MOCK_SESSION_TOKEN, licenseKeyApi, paymentMethodsApi, paymentsApi, scenarios, subscriptionApi } from '../../mocks/handlers.ts';

interface Args {
  locale: string;
  sessionToken: string;
}

/** `<dodo-portal>` without children renders the complete portal: every registered section. */
const meta: Meta<Args> = {
  title: 'Elements/Portal',
  component: 'dodo-portal',
  args: { locale: 'en', sessionToken: MOCK_SESSION_TOKEN },
  argTypes: { locale: { control: 'select', options: ['en', 'en-GB', 'sv', 'sv-SE', 'de', 'fr', 'es'] } },
  render: ({ locale, sessionToken }) => html`
    <dodo-portal api-base=${MOCK_API_BASE} session-token=${sessionToken} locale=${locale}></dodo-portal>
  `,
  parameters: { msw: { handlers: [...scenarios.manyPages(), ...paymentsApi(), ...subscriptionApi(), ...paymentMethodsApi(), ...licenseKeyApi()] } },
};
export default meta;

type Story = StoryObj<Args>;

export const Complete: Story = {};

export const Swedish: Story = { args: { locale: 'sv' } };

/** The session ended: one face for the whole portal. Embedded, it says to reload the page. */
export const Expired: Story = { args: { sessionToken: EXPIRED_SESSION_TOKEN } };

/** The merchant's words: `expired-message`, and the `expired` slot for more than text. */
export const ExpiredMerchantText: Story = {
  render: () => html`
    <dodo-portal api-base=${MOCK_API_BASE} session-token=${EXPIRED_SESSION_TOKEN} locale="en" expired-message="Log in to your account again to see your billing.">
      <dodo-invoice-list></dodo-invoice-list>
    </dodo-portal>
    <dodo-portal api-base=${MOCK_API_BASE} session-token=${EXPIRED_SESSION_TOKEN} locale="en">
      <dodo-invoice-list></dodo-invoice-list>
      <p slot="expired">Your billing session ended. <a href="#login">Log in again</a></p>
    </dodo-portal>
  `,
};

/**
 * The server's hosted page (`hosted`) with a token it does not know: the way to a new link (the
 * business's login page from the 401). With a known session the face offers "Email me a new link".
 */
export const ExpiredHosted: Story = {
  render: () => html`<dodo-portal hosted api-base=${MOCK_API_BASE} session-token=${EXPIRED_SESSION_TOKEN} locale="en"></dodo-portal>`,
};

/** The hosted page opened without any token: the same face, linking to the sign-in page. */
export const HostedWithoutToken: Story = {
  render: () => html`<dodo-portal hosted api-base=${MOCK_API_BASE} locale="en"></dodo-portal>`,
};
