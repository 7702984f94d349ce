import { css } from 'lit';

export default css`
  .base {
    outline: none;
    color: var(--_dodo-color-text);
  }

  .instances {
    display: grid;
    gap: calc(var(--_dodo-space) * 1.5);
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .actions,
  .instance {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_dodo-space);
  }

  .actions--end {
    justify-content: flex-end;
  }

  /* The key: monospace, selectable, never wrapped mid-group on wide screens. */
  .key {
    margin: 0;
    padding: calc(var(--_dodo-space) / 2) var(--_dodo-space);
    border: 1px solid var(--_dodo-color-border);
    border-radius: var(--_dodo-radius);
    background: var(--_dodo-color-surface-raised);
    color: var(--_dodo-color-text);
    font: inherit;
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    letter-spacing: 0.05em;
    overflow-wrap: anywhere;
  }

  .key--revealed {
    width: 100%;
    user-select: all;
  }

  .muted,
  .instances-panel p {
    margin: 0;
    color: var(--_dodo-color-text-muted);
  }

  .instances-panel {
    padding-block-start: var(--_dodo-space);
    border-block-start: 1px solid var(--_dodo-color-border);
  }

  .instance__name {
    font-weight: 600;
  }

  .instance .button {
    margin-inline-start: auto;
  }

  .copy-status {
    color: var(--_dodo-color-success);
    font-weight: 600;
  }

  .copy-status--manual {
    color: var(--_dodo-color-text);
    font-weight: 400;
  }

  .key-error,
  .instances-panel .key-error {
    margin: 0;
    color: var(--_dodo-color-danger);
  }

  .key-error:empty {
    display: none;
  }

  .skeleton--wide {
    width: 16em;
  }

  .badge--active {
    color: var(--_dodo-color-success);
  }

  .badge--expired {
    color: var(--_dodo-color-warning);
  }

  .badge--disabled {
    color: var(--_dodo-color-danger);
  }

  .badge--expiry {
    color: var(--_dodo-color-text-muted);
  }
`;
