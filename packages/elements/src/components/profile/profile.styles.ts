import { css } from 'lit';

export default css`
  :host {
    container-type: inline-size;
  }

  .base {
    color: var(--_dodo-color-text);
  }

  .title {
    margin: 0 0 var(--_dodo-space);
    font-size: 1.125em;
  }

  .details {
    display: grid;
    /* minmax(0, …): a long email or street wraps inside the box instead of widening it. */
    grid-template-columns: minmax(0, max-content) minmax(0, 1fr);
    gap: calc(var(--_dodo-space) / 2) calc(var(--_dodo-space) * 2);
    margin: 0 0 calc(var(--_dodo-space) * 1.5);
  }

  dt {
    color: var(--_dodo-color-text-muted);
  }

  dt,
  dd {
    overflow-wrap: anywhere;
  }

  dd {
    margin: 0;
    grid-column: 2;
  }

  /* Narrow containers: each label above its value. */
  @container (max-width: 24rem) {
    .details {
      grid-template-columns: minmax(0, 1fr);
    }

    dd {
      grid-column: 1;
      margin-block-end: calc(var(--_dodo-space) / 2);
    }
  }

  address {
    font-style: normal;
  }

  .form {
    max-width: 32rem;
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_dodo-space);
  }

  .skeleton--wide {
    display: block;
    width: 100%;
    margin-block-start: var(--_dodo-space);
  }
`;
