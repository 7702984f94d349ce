import { css } from 'lit';

export default css`
  .base {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_dodo-space) * 2);
    outline: none;
    color: var(--_dodo-color-text);
  }

  .header {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: space-between;
    gap: var(--_dodo-space);
  }

  .title {
    margin: 0;
    font-size: 1.5em;
    line-height: 1.25;
  }

  .signed-in {
    margin: 0;
    min-height: 1.5em;
    color: var(--_dodo-color-text-muted);
    font-size: 0.875em;
  }

  .list {
    grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr));
    gap: calc(var(--_dodo-space) * 2);
  }

  .card {
    align-items: flex-start;
  }

  .card__name {
    line-height: 1.3;
  }

  .facts {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_dodo-space) / 2);
    margin: 0;
    width: 100%;
  }

  .fact dt {
    color: var(--_dodo-color-text-muted);
    font-size: 0.8125em;
    font-weight: 600;
  }

  .fact dd {
    margin: 0;
  }

  .count,
  .amount {
    font-variant-numeric: tabular-nums;
  }

  .invoice {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--_dodo-space) / 2) var(--_dodo-space);
  }

  .invoice__number {
    font-weight: 600;
  }

  .card__problem {
    margin: 0;
    color: var(--_dodo-color-danger);
    font-size: 0.875em;
  }

  .card__problem:empty {
    display: none;
  }

  /* Loading: cards of about the size of real ones, so nothing shifts when data arrives. */
  .card--skeleton {
    min-height: 12rem;
  }

  .skeleton {
    display: block;
    width: 8em;
  }

  .skeleton--title {
    width: 10em;
    height: 1.4em;
  }

  .skeleton--wide {
    width: 14em;
  }

  .message {
    border-style: dashed;
    background: none;
  }

  .message--error,
  .message--expired {
    border-style: solid;
  }

  .toolbar {
    display: flex;
  }
`;
