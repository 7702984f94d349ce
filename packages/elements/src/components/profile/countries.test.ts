import { expect } from '@open-wc/testing';
import { countries, countryCodes } from './countries.ts';

// ISO 3166-1 alpha-2, the officially assigned codes (249), written out.
const ISO_3166_1 =
  'ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW';

describe('countries', () => {
  it('decodes every officially assigned ISO 3166-1 code, and no other', () => {
    expect(countryCodes().join('')).to.equal(ISO_3166_1);
    expect(countryCodes()).to.have.length(249);
  });

  it('names each code in the locale and sorts by name', () => {
    const list = countries('en');
    expect(list).to.have.length(249);
    expect(list.find(([code]) => code === 'SE')?.[1]).to.equal('Sweden');
    expect(list[0]![0]).to.equal('AF');
    expect(countries('de').find(([code]) => code === 'DE')?.[1]).to.equal('Deutschland');
  });
});
