// The published `sideEffects` names only built files (`./dist/define/dodo-*.js`, `./dist/cdn/*.js`):
// the sources are not in the package. So every build that bundles the sources (the library build
// in vite.config.ts and Storybook's) says itself which source modules register tags — otherwise
// their side-effect-only imports are tree-shaken away and no element is ever defined.
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/', import.meta.url));

/** @returns {import('vite').Plugin} */
export function defineModulesHaveSideEffects() {
  const registers = (id) => id === `${src}cdn.ts` || (id.startsWith(`${src}define/dodo-`) && id.endsWith('.ts'));
  return {
    name: 'dodo:define-side-effects',
    transform(code, id) {
      return registers(id) ? { code, map: null, moduleSideEffects: true } : null;
    },
  };
}
