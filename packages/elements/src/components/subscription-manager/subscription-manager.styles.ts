import { css } from 'lit';

export default css`
  :host {
    display: block;
  }

  /* Focused by script (after a dialog or a reload): the shared :focus-visible ring shows it. */
  .base {
    color: var(--_dodo-color-text);
  }

  .group + .group {
    margin-block-start: calc(var(--_dodo-space) * 3);
  }

  .group__title {
    margin: 0 0 var(--_dodo-space);
    font-size: 1em;
    color: var(--_dodo-color-text-muted);
  }

  .list {
    display: grid;
    gap: calc(var(--_dodo-space) * 1.5);
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .subscription {
    display: flex;
    flex-direction: column;
    gap: var(--_dodo-space);
    padding: calc(var(--_dodo-space) * 2);
    border: 1px solid var(--_dodo-color-border);
    border-radius: var(--_dodo-radius);
    background: var(--_dodo-color-surface);
  }

  .subscription__header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_dodo-space);
  }

  .subscription__name {
    margin: 0;
    font-size: 1.125em;
  }

  .subscription__price,
  .message {
    margin: 0;
  }

  .details {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: calc(var(--_dodo-space) / 2) calc(var(--_dodo-space) * 2);
    margin: 0;
  }

  dt {
    color: var(--_dodo-color-text-muted);
  }

  dd {
    margin: 0;
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_dodo-space);
  }

  .choice {
    display: flex;
    gap: var(--_dodo-space);
    align-items: center;
    padding-block: calc(var(--_dodo-space) / 2);
  }

  .skeleton--wide {
    width: 14em;
  }

  .badge--active {
    color: var(--_dodo-color-success);
  }

  .badge--on_hold {
    color: var(--_dodo-color-warning);
  }

  .badge--cancelled,
  .badge--expired {
    color: var(--_dodo-color-text-muted);
  }
`;
