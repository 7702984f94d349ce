import { css } from 'lit';

/**
 * Labelled form fields: `.field` wraps a label, a control and its `.field__error` (tied by
 * `aria-describedby`, shown with `aria-invalid`). Shared by every element with a form; a module of
 * its own so that a page without one (a portal with an invoice list) does not carry it: bundlers
 * keep every `css` call of a module they import, not knowing it free of side effects.
 */
export const fields = css`
  .field {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_dodo-space) / 2);
    margin-block-end: calc(var(--_dodo-space) * 1.5);
  }

  .field label,
  legend {
    font-weight: 600;
    font-size: 0.875em;
  }

  .input {
    min-height: 2.25em;
    padding: calc(var(--_dodo-space) / 2) var(--_dodo-space);
    border: 1px solid var(--_dodo-color-border);
    border-radius: var(--_dodo-radius);
    background: var(--_dodo-color-surface);
    color: var(--_dodo-color-text);
    font: inherit;
  }

  .input[aria-invalid='true'] {
    border-color: var(--_dodo-color-danger);
  }

  .field__error {
    margin: 0;
    color: var(--_dodo-color-danger);
    font-size: 0.875em;
  }

  .field__error:empty {
    display: none;
  }

  fieldset {
    margin: 0 0 calc(var(--_dodo-space) * 1.5);
    padding: 0;
    border: 0;
  }
`;
