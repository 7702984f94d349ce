import { css } from 'lit';

/**
 * The billing table of the invoice and transaction lists, so both read as one view: a `.table`
 * with its `.caption`, loading rows, `.pagination` and `.download-error` under it; in narrow
 * containers column 2 (the date, or the card) is dropped rather than scrolled sideways.
 */
export const table = css`
  :host {
    container-type: inline-size;
  }

  .base {
    position: relative;
    outline: none;
    color: var(--_dodo-color-text);
    background: var(--_dodo-color-surface);
  }

  .table {
    width: 100%;
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }

  .caption {
    padding-block-end: var(--_dodo-space);
    text-align: start;
    font-weight: 600;
    font-size: 1.125em;
  }

  th,
  td {
    padding: var(--_dodo-space) calc(var(--_dodo-space) * 1.5);
    border-block-end: 1px solid var(--_dodo-color-border);
    text-align: start;
    vertical-align: middle;
  }

  thead th {
    background: var(--_dodo-color-surface-raised);
    color: var(--_dodo-color-text-muted);
    font-size: 0.8125em;
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.03em;
  }

  thead th:first-child {
    border-start-start-radius: var(--_dodo-radius);
  }

  thead th:last-child {
    border-start-end-radius: var(--_dodo-radius);
  }

  tbody th {
    font-weight: 600;
  }

  .amount {
    text-align: end;
    white-space: nowrap;
  }

  .actions {
    text-align: end;
    white-space: nowrap;
  }

  /* Loading rows keep the height of real ones (shared .skeleton in styles/states.ts). */
  .skeleton--short {
    width: 4em;
  }

  .message__title {
    font-size: 1.125em;
  }

  .pagination {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: var(--_dodo-space);
    padding-block-start: var(--_dodo-space);
  }

  .page-number {
    color: var(--_dodo-color-text-muted);
    font-size: 0.875em;
  }

  .download-error {
    margin: var(--_dodo-space) 0 0;
    color: var(--_dodo-color-danger);
  }

  .download-error:empty {
    display: none;
  }

  /* Narrow containers: drop the date column rather than scroll sideways. */
  @container (max-width: 30rem) {
    th:nth-child(2),
    td:nth-child(2) {
      display: none;
    }

    /* A sidebar-sized portal: tighter cells, and the download button may wrap rather than
       push out of the container. */
    th,
    td {
      padding-inline: var(--_dodo-space);
    }

    .actions {
      white-space: normal;
    }

    /* Narrower still (long words in some languages): scroll sideways rather than clip. */
    .base {
      overflow-x: auto;
    }
  }
`;
