import { css } from 'lit';

export default css`
  /* Focused by script (after a dialog or a reload): the shared :focus-visible ring shows it. */
  .base {
    color: var(--_dodo-color-text);
  }

  .card__price,
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

  .choice__hint {
    margin: 0 0 var(--_dodo-space);
    padding-inline-start: calc(var(--_dodo-space) * 3);
    color: var(--_dodo-color-text-muted);
    font-size: 0.875em;
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
