import { css } from 'lit';

/**
 * Lists of cards: `.list` of `.card` tiles (a `.card__header` row with the `.card__name`), grouped
 * under a `.group__title` where there are groups. Shared by the subscription manager, the key vault
 * and the unified portal; components add only what differs (after this sheet, so they win).
 */
export const cards = css`
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

  .card {
    display: flex;
    flex-direction: column;
    gap: var(--_dodo-space);
    padding: calc(var(--_dodo-space) * 2);
    border: 1px solid var(--_dodo-color-border);
    border-radius: var(--_dodo-radius);
    background: var(--_dodo-color-surface);
  }

  .card__header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_dodo-space);
  }

  .card__name {
    margin: 0;
    font-size: 1.125em;
  }
`;
