import { css } from 'lit';
import { table } from '../../styles/table.ts';

/** The billing table (styles/table.ts, shared with the transaction list), then what only the invoice list has: refunds under a status, and the pay dialog. */
export default [
  table,
  css`
  .refund {
    display: block;
    margin-block-start: calc(var(--_dodo-space) / 4);
    color: var(--_dodo-color-text-muted);
    font-size: 0.875em;
  }

  .pay-cards {
    display: grid;
    gap: calc(var(--_dodo-space) / 2);
    margin: 0;
    padding: 0;
    border: 0;
  }

  .pay-cards legend {
    margin-block-end: calc(var(--_dodo-space) / 2);
    font-weight: 600;
  }

  .pay-card {
    display: flex;
    align-items: center;
    gap: calc(var(--_dodo-space) / 2);
  }

  .pay-success {
    outline: none;
  }

  .pay-actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: var(--_dodo-space);
    margin-block-start: calc(var(--_dodo-space) * 1.5);
  }
  `,
];
