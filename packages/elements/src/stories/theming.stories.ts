import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import '../cdn.ts';
import { MOCK_API_BASE, MOCK_SESSION_TOKEN, licenseKeyApi, paymentMethodsApi, paymentsApi, scenarios, subscriptionApi } from '../mocks/handlers.ts';

interface Args {
  theme: 'light' | 'dark' | 'auto';
  locale: string;
  /** Tokens a merchant's stylesheet would set on `dodo-portal`. */
  tokens: Record<string, string>;
  /** The page around the portal, to show it fits in. */
  page: Record<string, string>;
}

/**
 * The portal in three very different houses. Everything here is what a merchant's own CSS can do:
 * set `--dodo-*` tokens on `dodo-portal` (they inherit into every element), pick `theme`, and
 * restyle named parts with `::part()`. See docs/theming.md for the token and part lists.
 */
const meta: Meta<Args> = {
  title: 'Guides/Theming',
  args: { theme: 'light', locale: 'en', tokens: {}, page: {} },
  argTypes: {
    theme: { control: 'inline-radio', options: ['light', 'dark', 'auto'] },
    locale: { control: 'inline-radio', options: ['en', 'sv', 'de', 'fr', 'es'] },
    // The story's own plumbing (what each house sets), not something to edit from the panel.
    tokens: { table: { disable: true } },
    page: { table: { disable: true } },
  },
  render: ({ theme, locale, tokens, page }) => html`
    <div style=${styleMap({ padding: '24px', ...page })}>
      <dodo-portal
        api-base=${MOCK_API_BASE}
        session-token=${MOCK_SESSION_TOKEN}
        locale=${locale}
        theme=${theme}
        style=${styleMap(tokens)}
      ></dodo-portal>
    </div>
  `,
  // Every section of the complete portal is answered, not only the invoices.
  parameters: {
    msw: { handlers: [...scenarios.manyPages(), ...paymentsApi(), ...subscriptionApi(), ...paymentMethodsApi(), ...licenseKeyApi()] },
    layout: 'fullscreen',
  },
};
export default meta;

type Story = StoryObj<Args>;

/** The defaults: system font, blue primary, soft corners. */
export const Default: Story = {};

/** A dark SaaS dashboard: the built-in dark palette with a violet accent and tight density. */
export const MidnightDashboard: Story = {
  args: {
    theme: 'dark',
    tokens: {
      '--dodo-color-primary': '#c4b5fd',
      '--dodo-color-on-primary': '#1e1b4b',
      '--dodo-color-surface': '#0f172a',
      '--dodo-color-surface-raised': '#1e293b',
      '--dodo-radius': '2px',
      '--dodo-space': '0.375rem',
      '--dodo-font-size': '0.875rem',
    },
    page: { background: '#020617' },
  },
};

/** A Scandinavian shop in Swedish: serif type, warm paper colours, square corners, roomy spacing. */
export const NordicBoutique: Story = {
  args: {
    locale: 'sv',
    tokens: {
      '--dodo-font-family': "Georgia, 'Times New Roman', serif",
      '--dodo-color-primary': '#14532d',
      '--dodo-color-on-primary': '#fefce8',
      '--dodo-color-surface': '#fffbeb',
      '--dodo-color-surface-raised': '#fef3c7',
      '--dodo-color-text': '#292524',
      '--dodo-color-text-muted': '#57534e',
      '--dodo-color-border': '#d6d3d1',
      '--dodo-radius': '0',
      '--dodo-space': '0.75rem',
      '--dodo-font-size': '1.0625rem',
    },
    page: { background: '#fefce8' },
  },
};
