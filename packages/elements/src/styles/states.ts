import { css } from 'lit';

/**
 * The faces every data view shares: the loading skeleton (same height as real content, so nothing
 * shifts when data arrives; still when the user asks for reduced motion) and the message box used
 * for empty, error, expired and success states, and the invoice status badge (paid / open / void) shown
 * wherever an invoice appears. Components add only what differs.
 */
export const states = css`
  .skeleton {
    display: inline-block;
    width: 6em;
    max-width: 100%;
    height: 1em;
    border-radius: calc(var(--_dodo-radius) / 2);
    background: var(--_dodo-color-surface-raised);
    vertical-align: middle;
    animation: dodo-pulse 1.4s ease-in-out infinite;
  }

  .skeleton--button {
    width: 7em;
    height: 2.25em;
  }

  @keyframes dodo-pulse {
    50% {
      opacity: 0.45;
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .skeleton {
      animation: none;
    }
  }

  .message {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: var(--_dodo-space);
    padding: calc(var(--_dodo-space) * 3);
    border: 1px solid var(--_dodo-color-border);
    border-radius: var(--_dodo-radius);
    background: var(--_dodo-color-surface);
  }

  .message p {
    margin: 0;
  }

  .message__title {
    font-weight: 600;
  }

  .message__body {
    color: var(--_dodo-color-text-muted);
  }

  .message--error {
    border-inline-start: 4px solid var(--_dodo-color-danger);
  }

  .message--expired {
    border-inline-start: 4px solid var(--_dodo-color-warning);
  }

  .message--success {
    border-inline-start: 4px solid var(--_dodo-color-success);
  }

  /* ConfirmationController's line: "Saved", "Cancelled", … */
  .confirmation:not(:empty) {
    margin: 0 0 var(--_dodo-space);
    padding: var(--_dodo-space) calc(var(--_dodo-space) * 1.5);
    border: 1px solid var(--_dodo-color-border);
    border-radius: var(--_dodo-radius);
    background: var(--_dodo-color-surface);
    color: var(--_dodo-color-text);
    border-inline-start: 4px solid var(--_dodo-color-success);
    font-weight: 600;
  }

  .confirmation:empty {
    margin: 0;
  }

  .badge {
    display: inline-block;
    padding: 0 calc(var(--_dodo-space) * 0.75);
    border: 1px solid currentColor;
    border-radius: 999px;
    font-size: 0.8125em;
    font-weight: 600;
    line-height: 1.6;
  }

  .badge--paid {
    color: var(--_dodo-color-success);
  }

  .badge--open {
    color: var(--_dodo-color-warning);
  }

  .badge--void {
    color: var(--_dodo-color-danger);
  }
`;

/**
 * A modal `<dialog class="dialog">` (opened with `showModal()`: focus moves in, Escape closes, the
 * page behind is inert) and its backdrop. Shared by every element that asks before it acts.
 */
export const dialog = css`
  .dialog {
    width: min(36rem, calc(100vw - 2rem));
    max-height: calc(100vh - 2rem);
    padding: calc(var(--_dodo-space) * 3);
    border: 1px solid var(--_dodo-color-border);
    border-radius: var(--_dodo-radius);
    background: var(--_dodo-color-surface);
    color: var(--_dodo-color-text);
  }

  .dialog::backdrop {
    background: var(--_dodo-color-text);
    opacity: 0.5;
  }

  .dialog__header {
    display: flex;
    align-items: flex-start;
    justify-content: space-between;
    gap: var(--_dodo-space);
  }

  .dialog__title {
    margin: 0 0 var(--_dodo-space);
    font-size: 1.25em;
  }
`;
