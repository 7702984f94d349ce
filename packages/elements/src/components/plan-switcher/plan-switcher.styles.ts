import { css } from 'lit';

export default css`
  .base {
    color: var(--_dodo-color-text);
  }

  .plans {
    display: grid;
    gap: var(--_dodo-space);
    margin: var(--_dodo-space) 0 0;
    padding: 0;
    list-style: none;
  }

  .plan {
    border: 1px solid var(--_dodo-color-border);
    border-radius: var(--_dodo-radius);
  }

  .plan--selected {
    border-color: var(--_dodo-color-primary);
    box-shadow: 0 0 0 1px var(--_dodo-color-primary);
  }

  .plan__label {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_dodo-space);
    padding: var(--_dodo-space) calc(var(--_dodo-space) * 1.5);
    cursor: pointer;
  }

  .plan__name {
    font-weight: 600;
  }

  .plan__price {
    margin-inline-start: auto;
  }

  .badge--current {
    color: var(--_dodo-color-primary);
  }

  .counts {
    display: flex;
    flex-wrap: wrap;
    gap: 0 calc(var(--_dodo-space) * 2);
  }

  .counts .input {
    width: 8em;
  }

  .muted {
    color: var(--_dodo-color-text-muted);
    font-weight: 400;
  }

  .preview {
    padding: calc(var(--_dodo-space) * 2);
    border-radius: var(--_dodo-radius);
    background: var(--_dodo-color-surface-raised);
  }

  .preview__title {
    margin: 0 0 var(--_dodo-space);
    font-size: 1em;
  }

  .quote {
    width: 100%;
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }

  .quote th,
  .quote td {
    padding: calc(var(--_dodo-space) / 2) 0;
    text-align: start;
    font-weight: 400;
  }

  .quote .amount {
    text-align: end;
    white-space: nowrap;
  }

  .quote tfoot tr:first-child > * {
    border-block-start: 1px solid var(--_dodo-color-border);
  }

  .quote .total > * {
    font-weight: 700;
  }

  .preview .message {
    margin-block-end: var(--_dodo-space);
  }

  .skeleton--wide {
    display: block;
    width: 100%;
    height: 3em;
    margin-block-start: var(--_dodo-space);
  }
`;
