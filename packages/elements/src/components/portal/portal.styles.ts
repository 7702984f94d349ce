import { css } from 'lit';

export default css`
  .portal {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_dodo-space) * 3);
    padding: calc(var(--_dodo-space) * 3);
    border: 1px solid var(--_dodo-color-border);
    border-radius: var(--_dodo-radius);
    background: var(--_dodo-color-surface);
    color: var(--_dodo-color-text);
  }

  .portal[hidden],
  .message[hidden] {
    display: none;
  }

  .header {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    justify-content: space-between;
    gap: var(--_dodo-space);
  }

  .business {
    margin: 0;
    min-height: 1.5em;
    color: var(--_dodo-color-text-muted);
    font-size: 0.875em;
    font-weight: 600;
  }

  .business .badge {
    margin-inline-start: calc(var(--_dodo-space) / 2);
  }

  .title {
    margin: 0;
    font-size: 1.5em;
    line-height: 1.25;
  }

  .section {
    display: flex;
    flex-direction: column;
    gap: var(--_dodo-space);
  }

  .section + .section {
    padding-top: calc(var(--_dodo-space) * 3);
    border-top: 1px solid var(--_dodo-color-border);
  }

  .section__title {
    margin: 0;
    font-size: 1.25em;
    line-height: 1.3;
  }

  /* The section heading already names the table: its caption stays for screen readers only. */
  dodo-invoice-list::part(caption),
  dodo-transaction-list::part(caption) {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }

  .return-link {
    color: var(--_dodo-color-primary);
    font-weight: 600;
  }
`;
