import { css } from 'lit';
import { table } from '../../styles/table.ts';

/** The billing table (styles/table.ts, shared with the transaction list), then what only the invoice list has. */
export default [
  table,
  css`
  .refund {
    display: block;
    margin-block-start: calc(var(--_dodo-space) / 4);
    color: var(--_dodo-color-text-muted);
    font-size: 0.875em;
  }
  `,
];
