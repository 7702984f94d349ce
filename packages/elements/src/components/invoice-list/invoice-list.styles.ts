import { css } from 'lit';

export default css`
  :host {
    display: block;
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

  /* Loading: rows of the same height as real ones, so nothing shifts when data arrives. */
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

  .skeleton--short {
    width: 4em;
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
    font-size: 1.125em;
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

  a.button {
    text-decoration: none;
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
  }
`;
