/**
 * ISO 3166-1 alpha-2 codes (officially assigned) for the billing country `<select>`. Names come
 * from `Intl.DisplayNames` in the customer's locale, so no names ship here.
 *
 * The codes as one 26-bit mask per first letter A–Z (in base 36): bit n set means the second
 * letter is the n-th of the alphabet (bit 0 = A), so `sox2w` for A holds AD, AE, AF, AG, AI, ….
 * 249 codes in 129 B of gzip rather than 326 B written out (countries.test.ts lists them all).
 */
const MASKS = 'sox2w ybdob 13fegd jznrk jo44 3abk dq22j 10t1c lq8o 153k wkgr4 cepl3 13ycxp kpks5 35s d1hpt 1 3accw 10rw7z o4s18 u4hmp mno5 5mao 0 b8k0 2hzi9';

/** The codes, A–Z. */
export function countryCodes(): string[] {
  const codes: string[] = [];
  MASKS.split(' ').forEach((mask, first) => {
    for (let second = 0; second < 26; second += 1) if ((parseInt(mask, 36) >> second) & 1) codes.push(String.fromCharCode(65 + first, 65 + second));
  });
  return codes;
}

/** `[code, name]` sorted by name in `locale`. */
export function countries(locale: string): [string, string][] {
  let names: Intl.DisplayNames | undefined;
  try {
    names = new Intl.DisplayNames([locale], { type: 'region' });
  } catch {
    names = undefined;
  }
  return countryCodes()
    .map((code): [string, string] => [code, names?.of(code) ?? code])
    .sort((a, b) => a[1].localeCompare(b[1], locale));
}
