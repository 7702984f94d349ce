import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../../define/dodo-payment-method-editor.ts';
import { MOCK_API_BASE, MOCK_SESSION_TOKEN } from '../../mocks/handlers.ts';
import { paymentMethodScenarios } from '../../mocks/payment-methods.ts';

interface Args {
  subscriptionId: string;
  locale: string;
}

/** Wait for `selector` in the editor's shadow root (the data arrives through msw). */
async function find<T extends HTMLElement>(canvas: HTMLElement, selector: string, text?: string): Promise<T> {
  for (let tries = 0; tries < 100; tries += 1) {
    const root = canvas.querySelector('dodo-payment-method-editor')?.shadowRoot;
    const found = [...(root?.querySelectorAll<T>(selector) ?? [])].find((element) => !text || element.textContent?.includes(text));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new globalThis.Error(`${selector} ${text ?? ''} never appeared`);
}

/** Type into a field the way a customer does, so the field formats and validates as it would. */
async function type(canvas: HTMLElement, id: string, value: string): Promise<void> {
  const input = await find<HTMLInputElement>(canvas, `#${id}`);
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true }));
  input.dispatchEvent(new FocusEvent('blur'));
}

const click = async (canvas: HTMLElement, text: string) => (await find(canvas, 'button', text)).click();

/** `<dodo-payment-method-editor>` in every state, inside the `<dodo-portal>` that provides its client. */
const meta: Meta<Args> = {
  title: 'Elements/Payment method editor',
  component: 'dodo-payment-method-editor',
  args: { subscriptionId: 'sub_pro', locale: 'en' },
  argTypes: { locale: { control: 'select', options: ['en', 'sv-SE'] } },
  decorators: [
    (story, { args }) => html`
      <dodo-portal api-base=${MOCK_API_BASE} session-token=${MOCK_SESSION_TOKEN} locale=${args.locale} style="max-width: 34rem">
        ${story()}
      </dodo-portal>
    `,
  ],
  render: ({ subscriptionId }) => html`<dodo-payment-method-editor subscription-id=${subscriptionId}></dodo-payment-method-editor>`,
  parameters: { msw: { handlers: paymentMethodScenarios.active() } },
};
export default meta;

type Story = StoryObj<Args>;

/** An active subscription's card, with Edit. */
export const CurrentCard: Story = {};

/** Edit: the saved cards as a radio group. */
export const ChooseSaved: Story = {
  play: async ({ canvasElement }) => click(canvasElement, 'Edit'),
};

/** The new-card form, with the inline errors of a mistyped number and a past expiry date. */
export const AddNew: Story = {
  play: async ({ canvasElement }) => {
    await click(canvasElement, 'Edit');
    await click(canvasElement, 'Add a new card');
    await type(canvasElement, 'number', '4242 4242 4242 4241');
    await type(canvasElement, 'exp', '01 / 20');
  },
};

/** Put on hold by a failed renewal: the dues are shown before confirming. */
export const OnHoldWithDues: Story = {
  args: { locale: 'sv-SE' },
  parameters: { msw: { handlers: paymentMethodScenarios.onHold() } },
  play: async ({ canvasElement }) => click(canvasElement, 'Ändra'),
};

/** The dues charge was declined: said plainly, with the way to another card right there. */
export const Declined: Story = {
  parameters: { msw: { handlers: paymentMethodScenarios.onHold() } },
  play: async ({ canvasElement }) => {
    await click(canvasElement, 'Edit');
    await click(canvasElement, 'Pay');
  },
};

/** Saving a card the bank declines (its verification): said at the card number, nothing saved. */
export const AddDeclined: Story = {
  args: { subscriptionId: '' },
  parameters: { msw: { handlers: paymentMethodScenarios.saved() } },
  play: async ({ canvasElement }) => {
    await click(canvasElement, 'Add a new card');
    await type(canvasElement, 'number', '4000 0000 0000 0002');
    await type(canvasElement, 'exp', '12 / 34');
    await type(canvasElement, 'cvc', '123');
    await type(canvasElement, 'name', 'Ada Lovelace');
    await click(canvasElement, 'Save card');
  },
};

/** On hold, paying with a new card: the open form is the choice (no saved card checked), and the button says the amount. */
export const PayWithNewCard: Story = {
  parameters: { msw: { handlers: paymentMethodScenarios.onHold() } },
  play: async ({ canvasElement }) => {
    await click(canvasElement, 'Edit');
    await click(canvasElement, 'Add a new card');
    await type(canvasElement, 'number', '4242 4242 4242 4242');
    await type(canvasElement, 'exp', '12 / 34');
  },
};

/** Paid with the working card: what was paid, the next billing date and the invoice. */
export const Success: Story = {
  parameters: { msw: { handlers: paymentMethodScenarios.onHold() } },
  play: async ({ canvasElement }) => {
    await click(canvasElement, 'Edit');
    (await find(canvasElement, 'label.method', '4444')).click();
    await click(canvasElement, 'Pay');
  },
};

/** Without `subscription-id`: the saved cards, to add or remove, the default marked, the others with "Make default". */
export const SavedCards: Story = {
  args: { subscriptionId: '' },
  parameters: { msw: { handlers: paymentMethodScenarios.saved() } },
};

/** Removing a card that pays a subscription: which card pays it from now on, chosen by the customer. */
export const RemoveInUse: Story = {
  args: { subscriptionId: '' },
  parameters: { msw: { handlers: paymentMethodScenarios.saved() } },
  play: async ({ canvasElement }) => {
    await click(canvasElement, 'Remove');
    await click(canvasElement, 'Remove card');
  },
};

export const Loading: Story = { parameters: { msw: { handlers: paymentMethodScenarios.loading() } } };

export const Error: Story = { parameters: { msw: { handlers: paymentMethodScenarios.serverError() } } };
