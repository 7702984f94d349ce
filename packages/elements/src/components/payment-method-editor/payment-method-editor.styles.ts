import { css } from 'lit';

export default css`
  .base {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_dodo-space) * 1.5);
    color: var(--_dodo-color-text);
    background: var(--_dodo-color-surface);
  }

  p {
    margin: 0;
  }

  .current,
  .methods {
    display: flex;
    flex-direction: column;
    gap: var(--_dodo-space);
  }

  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--_dodo-space);
  }

  .label,
  .dues {
    font-weight: 600;
  }

  .muted {
    color: var(--_dodo-color-text-muted);
  }

  .card {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_dodo-space);
    font-variant-numeric: tabular-nums;
  }

  .brand {
    display: inline-block;
    min-width: 3.5em;
    padding: 0 calc(var(--_dodo-space) * 0.75);
    border: 1px solid currentColor;
    border-radius: calc(var(--_dodo-radius) / 2);
    font-size: 0.75em;
    font-weight: 700;
    line-height: 1.8;
    text-align: center;
    text-transform: uppercase;
    color: var(--_dodo-color-text-muted);
  }

  .brand--visa {
    color: var(--dodo-color-card-visa, var(--_dodo-color-primary));
  }

  .brand--mastercard {
    color: var(--dodo-color-card-mastercard, var(--_dodo-color-warning));
  }

  .brand--amex {
    color: var(--dodo-color-card-amex, var(--_dodo-color-success));
  }

  .methods {
    margin: 0;
    padding: 0;
    border: 0;
    list-style: none;
  }

  .method {
    display: flex;
    align-items: center;
    gap: var(--_dodo-space);
    padding: var(--_dodo-space) calc(var(--_dodo-space) * 1.5);
    border: 1px solid var(--_dodo-color-border);
    border-radius: var(--_dodo-radius);
    background: var(--_dodo-color-surface-raised);
  }

  .method:has(:checked) {
    border-color: var(--_dodo-color-primary);
    box-shadow: inset 0 0 0 1px var(--_dodo-color-primary);
  }

  .method input {
    accent-color: var(--_dodo-color-primary);
  }

  .card-form {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: var(--_dodo-space) calc(var(--_dodo-space) * 1.5);
    padding: calc(var(--_dodo-space) * 1.5);
    border: 1px solid var(--_dodo-color-border);
    border-radius: var(--_dodo-radius);
  }

  .field--number,
  .field--name,
  .card-form .actions,
  .reassign > * {
    grid-column: 1 / -1;
  }

  .field label {
    display: block;
    font-size: 0.875em;
    font-weight: 600;
  }

  .control {
    position: relative;
    display: flex;
    align-items: center;
  }

  .control .brand {
    position: absolute;
    inset-inline-end: var(--_dodo-space);
  }

  input:not([type]),
  select {
    width: 100%;
    min-height: 2.5em;
    padding: 0 var(--_dodo-space);
    border: 1px solid var(--_dodo-color-border);
    border-radius: var(--_dodo-radius);
    background: var(--_dodo-color-surface);
    color: var(--_dodo-color-text);
    font: inherit;
    font-variant-numeric: tabular-nums;
  }

  [aria-invalid='true'] {
    border-color: var(--_dodo-color-danger);
  }

  .field-error,
  .download-error {
    color: var(--_dodo-color-danger);
    font-size: 0.875em;
  }

  .field-error:empty,
  .download-error:empty {
    display: none;
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_dodo-space);
  }

  /* After the shared badge (a pill outlined in its colour). */
  .badge {
    margin-inline-end: auto;
    padding: 0 0.5em;
    color: var(--_dodo-color-primary);
    font-size: 0.75em;
  }

  .add {
    align-self: flex-start;
  }

  .skeleton--card {
    width: 14em;
  }
`;
