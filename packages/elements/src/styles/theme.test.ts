/**
 * The palette and font an element brings to a merchant's page, in real Chromium with the
 * visitor's colour scheme emulated: light unless the page opts in with `theme`, and the system UI
 * font instead of the page default (Times) when the page sets none.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../define/dodo-portal.ts';
import '../define/dodo-invoice-list.ts';
import '../define/dodo-portal-login.ts';
import '../define/dodo-profile.ts';

const LIGHT_SURFACE = '#ffffff';
const DARK_SURFACE = '#111827';

const surfaceOf = (element: Element): string => getComputedStyle(element).getPropertyValue('--_dodo-color-surface').trim();

/** Every element of the shadow tree (the host included): what a visitor sees the text in. */
function fontsIn(element: Element): string[] {
  const nodes = [element, ...(element.shadowRoot?.querySelectorAll('*') ?? [])];
  return [...new Set(nodes.map((node) => getComputedStyle(node).fontFamily))];
}

// Standalone elements and the portal share one `theme` attribute.
const TAGS = ['dodo-portal', 'dodo-invoice-list', 'dodo-portal-login', 'dodo-profile'] as const;

async function mount(tag: string, theme?: string): Promise<HTMLElement> {
  const element = await fixture<HTMLElement>(html`<div></div>`);
  const child = document.createElement(tag);
  if (theme) child.setAttribute('theme', theme);
  element.append(child);
  await (child as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
  return child;
}

describe('theme and font on a page that sets neither', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light' }));

  for (const tag of TAGS) {
    describe(`<${tag}>`, () => {
      it('stays light for a visitor who prefers dark, unless the page says theme="auto" or "dark"', async () => {
        await emulateMedia({ colorScheme: 'dark' });
        expect(matchMedia('(prefers-color-scheme: dark)').matches).to.equal(true);
        expect(surfaceOf(await mount(tag))).to.equal(LIGHT_SURFACE);
        expect(surfaceOf(await mount(tag, 'light'))).to.equal(LIGHT_SURFACE);
        expect(surfaceOf(await mount(tag, 'dark'))).to.equal(DARK_SURFACE);
        expect(surfaceOf(await mount(tag, 'auto'))).to.equal(DARK_SURFACE);
      });

      it('with theme="auto" follows a visitor who prefers light', async () => {
        await emulateMedia({ colorScheme: 'light' });
        expect(surfaceOf(await mount(tag, 'auto'))).to.equal(LIGHT_SURFACE);
        expect(surfaceOf(await mount(tag, 'dark'))).to.equal(DARK_SURFACE);
      });

      it('renders in the system UI font, not the page default Times', async () => {
        const element = await mount(tag);
        expect(getComputedStyle(document.body).fontFamily).to.match(/times/i, 'the test page sets no font');
        for (const font of fontsIn(element)) {
          if (/monospace/.test(font)) continue;
          expect(font).to.match(/^system-ui/);
          expect(font).not.to.match(/times/i);
        }
      });
    });
  }

  it('uses the font the merchant sets with --dodo-font-family, on the page or the element', async () => {
    const element = await mount('dodo-invoice-list');
    element.parentElement!.style.setProperty('--dodo-font-family', 'Verdana, sans-serif');
    expect(getComputedStyle(element).fontFamily).to.equal('Verdana, sans-serif');
    element.style.setProperty('--dodo-font-family', 'Georgia, serif');
    expect(new Set(fontsIn(element))).to.deep.equal(new Set(['Georgia, serif']));
  });

  it('a section inside <dodo-portal theme="dark"> takes the portal\'s palette', async () => {
    await emulateMedia({ colorScheme: 'light' });
    const portal = await fixture<HTMLElement>(html`<dodo-portal theme="dark"><dodo-invoice-list></dodo-invoice-list></dodo-portal>`);
    expect(surfaceOf(portal.querySelector('dodo-invoice-list')!)).to.equal(DARK_SURFACE);
  });
});
