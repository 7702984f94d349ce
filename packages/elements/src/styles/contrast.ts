/**
 * WCAG 2.2 contrast of `#rrggbb` colours, for deciding at run time whether a business's brand
 * colour can serve as the primary colour (text links and buttons) on our surface.
 */
const channel = (value: number): number => {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

function luminance(hex: string): number | undefined {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!match) return undefined;
  const [r, g, b] = match.slice(1).map((part) => channel(parseInt(part, 16))) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const la = luminance(a);
  const lb = luminance(b);
  if (la === undefined || lb === undefined) return 1;
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * The brand colour and the text colour to put on it, or undefined when the colour is not
 * readable as text on `surface` (WCAG AA, 4.5:1): then the default primary is kept.
 */
export function brandPrimary(color: string | null | undefined, surface: string): { primary: string; onPrimary: string } | undefined {
  if (!color || contrastRatio(color, surface) < 4.5) return undefined;
  const onPrimary = contrastRatio(color, '#ffffff') >= contrastRatio(color, '#000000') ? '#ffffff' : '#000000';
  return { primary: color, onPrimary };
}
