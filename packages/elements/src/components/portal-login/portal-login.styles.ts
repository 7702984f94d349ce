import { css } from 'lit';

export default css`
  .base {
    display: flex;
    flex-direction: column;
    gap: var(--_dodo-space);
    padding: calc(var(--_dodo-space) * 3);
    border: 1px solid var(--_dodo-color-border);
    border-radius: var(--_dodo-radius);
    background: var(--_dodo-color-surface);
    color: var(--_dodo-color-text);
  }

  .title {
    margin: 0;
    font-size: 1.25em;
    line-height: 1.3;
  }

  .body {
    margin: 0;
    color: var(--_dodo-color-text-muted);
  }

  .form,
  .sent {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: var(--_dodo-space);
  }

  .sent {
    outline: none;
    padding-inline-start: calc(var(--_dodo-space) * 1.5);
    border-inline-start: 4px solid var(--_dodo-color-success);
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_dodo-space);
  }

  .label {
    margin-block-start: var(--_dodo-space);
    font-weight: 600;
  }

  /* The shared .input (fields in styles/states.ts), full width and a little taller. */
  .input {
    width: 100%;
    min-height: 2.5em;
  }

  .problem {
    margin: 0;
    color: var(--_dodo-color-danger);
  }

  /* Kept in the accessibility tree (a live region must exist before it speaks), without a gap. */
  .problem:empty {
    margin-block-start: calc(var(--_dodo-space) * -1);
  }

  .button {
    font-size: 1em;
  }
`;
