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
import { MOCK_API_BASE, MOCK_SESSION_TOKEN, licenseKeyApi, paymentMethodsApi, paymentsApi, scenarios, subscriptionApi } from '../../mocks/handlers.ts';

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
