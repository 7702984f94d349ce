import { css } from 'lit';

/**
 * The billing table of the invoice and transaction lists, so both read as one view: a `.table`
 * with its `.caption`, loading rows, `.pagination` and `.download-error` under it. In narrow
 * containers (the element's own width, not the viewport's) each row is a card of labelled
 * fields: every cell with a value carries `data-label`, its column's header text.
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
  }

  /* The column headers, and the same words as labels on stacked cards (below). */
  thead th,
  [data-label]::before {
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

  /* Row heads (invoice number, date) never break inside. */
  tbody th {
    font-weight: 600;
    white-space: nowrap;
  }

  .amount,
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

  /* Also the pay dialog's failure line (invoice list). */
  .download-error,
  .pay-error {
    margin: var(--_dodo-space) 0 0;
    color: var(--_dodo-color-danger);
  }

  .download-error:empty,
  .pay-error:empty {
    display: none;
  }

  /* Narrow containers (a phone, a sidebar): each row becomes a card listing every field as
     label + value. The table stays a table for assistive technology: the header row is only
     visually hidden, and the labels (data-label) are drawn with empty alternative text, so a
     screen reader announces each cell with its column header once. */
  @container (max-width: 45rem) {
    .table,
    tbody,
    tr,
    th,
    td {
      display: block;
    }

    thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }

    tbody tr {
      margin-block-end: var(--_dodo-space);
      padding: calc(var(--_dodo-space) / 2) var(--_dodo-space);
      border: 1px solid var(--_dodo-color-border);
      border-radius: var(--_dodo-radius);
    }

    tbody th,
    tbody td {
      padding: calc(var(--_dodo-space) / 2) 0;
      border: 0;
      text-align: end;
      white-space: normal;
      overflow-wrap: anywhere;
    }

    [data-label]::before {
      content: attr(data-label) / '';
      float: inline-start;
      margin-inline-end: var(--_dodo-space);
    }

    .actions {
      display: flex;
      flex-wrap: wrap;
      justify-content: flex-end;
      gap: calc(var(--_dodo-space) / 2);
    }

    .actions:empty {
      display: none;
    }
  }
`;
