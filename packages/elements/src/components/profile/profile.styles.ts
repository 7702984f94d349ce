import { css } from 'lit';

export default css`
  .base {
    color: var(--_dodo-color-text);
  }

  .title {
    margin: 0 0 var(--_dodo-space);
    font-size: 1.125em;
  }

  .details {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: calc(var(--_dodo-space) / 2) calc(var(--_dodo-space) * 2);
    margin: 0 0 calc(var(--_dodo-space) * 1.5);
  }

  dt {
    color: var(--_dodo-color-text-muted);
  }

  dd {
    margin: 0;
    grid-column: 2;
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
