// The custom-elements manifest (custom-elements.json): read from the elements' JSDoc (@summary,
// @fires, @slot, @csspart, @cssproperty) and Lit decorators. Storybook's autodocs, the editor
// data (VS Code, JetBrains) and the JSX typings are generated from it by scripts/manifest.mjs.
/** `DodoInvoiceList` → `dodo-invoice-list`: the tag every `define/*` entry registers the class as. */
const tagOf = (className) => className.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** The components don't call customElements.define themselves (define/*.ts do): name the tags here. */
const tagNames = () => ({
  name: 'dodo-tag-names',
  packageLinkPhase({ customElementsManifest }) {
    for (const module of customElementsManifest.modules) {
      for (const declaration of module.declarations ?? []) {
        if (declaration.customElement && !declaration.tagName && /^Dodo[A-Z]/.test(declaration.name)) declaration.tagName = tagOf(declaration.name);
      }
    }
  },
});

export default {
  globs: ['src/components/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.stories.ts', 'src/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
  dependencies: false,
  // package.json declares `customElements` itself.
  packagejson: false,
  plugins: [tagNames()],
};
