import { css } from 'lit';

/**
 * What differs from the invoice list's table (shared: `styles/table.ts`, which also stacks the rows
 * as cards in narrow containers): the payment status badges and the line under a badge.
 */
export default css`
  .card {
    white-space: nowrap;
  }

  .badge--succeeded {
    color: var(--_dodo-color-success);
  }

  .badge--failed {
    color: var(--_dodo-color-danger);
  }

  .badge--processing {
    color: var(--_dodo-color-warning);
  }

  .badge--refunded,
  .badge--partially_refunded,
  .detail,
  .muted {
    color: var(--_dodo-color-text-muted);
  }

  .detail {
    display: block;
    margin-block-start: calc(var(--_dodo-space) / 4);
    font-size: 0.875em;
  }
`;
