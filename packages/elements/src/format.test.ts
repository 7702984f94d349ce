import { expect } from '@open-wc/testing';
import { formatMoney, minorUnitsToDecimal } from './format.ts';

describe('money formatting', () => {
  it('turns minor units into an exact decimal string', () => {
    expect(minorUnitsToDecimal(123_456, 2)).to.equal('1234.56');
    expect(minorUnitsToDecimal(5, 2)).to.equal('0.05');
    expect(minorUnitsToDecimal(-5, 2)).to.equal('-0.05');
    expect(minorUnitsToDecimal(0, 2)).to.equal('0.00');
    expect(minorUnitsToDecimal(500, 0)).to.equal('500');
    expect(minorUnitsToDecimal(1_234, 3)).to.equal('1.234');
    // Beyond float precision for cents: still exact, because no float is involved.
    expect(minorUnitsToDecimal(9_007_199_254_740_991, 2)).to.equal('90071992547409.91');
  });

  it('rejects amounts that are not integer minor units', () => {
    expect(() => minorUnitsToDecimal(12.5, 2)).to.throw(RangeError);
  });

  it('formats with the currency’s digits in the locale', () => {
    expect(formatMoney(123_456, 'USD', 'en')).to.equal('$1,234.56');
    expect(formatMoney(-199, 'EUR', 'en')).to.equal('-€1.99');
    expect(formatMoney(123_456, 'JPY', 'en')).to.equal('¥123,456');
  });
});
