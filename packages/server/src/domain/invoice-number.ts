/** Invoice numbers: `INV-` and the per business-and-mode sequence, zero-padded to six digits. */
export function formatInvoiceNumber(sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError(`invoice sequence must be a positive integer, got ${sequence}`);
  return `INV-${String(sequence).padStart(6, '0')}`;
}

/** The sequence of a number made by formatInvoiceNumber, or null. */
export function parseInvoiceNumber(number: string): number | null {
  const match = /^INV-(\d{6,})$/.exec(number);
  if (!match) return null;
  const sequence = Number(match[1]);
  return Number.isSafeInteger(sequence) && sequence >= 1 ? sequence : null;
}
