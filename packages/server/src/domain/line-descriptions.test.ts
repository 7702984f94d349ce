import { describe, expect, it } from 'vitest';
import { acceptedLineLanguage, describeLine, lineText } from './line-descriptions.ts';

describe('server-written line descriptions', () => {
  it("store English with the message id, and render in the reader's language", () => {
    const line = lineText('proration.unused', { item: 'Pro × 2' });
    expect(line).toEqual({ description: 'Unused time on Pro × 2', description_key: 'proration.unused', description_params: { item: 'Pro × 2' } });
    expect(describeLine(line, 'de-AT')).toBe('Nicht genutzte Zeit für Pro × 2');
    expect(describeLine(line, 'sv')).toBe('Outnyttjad tid för Pro × 2');
    expect(describeLine(line, 'ja-JP')).toBe('Unused time on Pro × 2');
    expect(describeLine(lineText('proration.difference', { from: null, to: 'Seat' }), 'fr')).toBe('Différence de prix : aucun → Seat');
  });

  it('print a merchant-written line, or an id this version does not know, as stored', () => {
    expect(describeLine({ description: 'Werkzeugkiste' }, 'en')).toBe('Werkzeugkiste');
    expect(describeLine({ description: 'Old words', description_key: 'gone.message', description_params: {} }, 'de')).toBe('Old words');
  });

  it('take the first supported language of an Accept-Language header, by q', () => {
    expect(acceptedLineLanguage('ja-JP,de;q=0.8,en;q=0.9')).toBe('en');
    expect(acceptedLineLanguage('de-DE')).toBe('de-DE');
    expect(acceptedLineLanguage('ja, *;q=0.1')).toBeUndefined();
    expect(acceptedLineLanguage(undefined)).toBeUndefined();
  });
});
