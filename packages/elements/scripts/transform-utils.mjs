// Helpers for our Vite transforms: an AST walk, and replacements applied with a source map (so
// a transform keeps the build's maps accurate).

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const vlq = (value) => {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1;
  let text = '';
  do {
    let digit = rest & 31;
    rest >>>= 5;
    if (rest > 0) digit |= 32;
    text += BASE64[digit];
  } while (rest > 0);
  return text;
};

/**
 * Applies non-overlapping `[start, end, text]` replacements to `code` and returns the new code
 * with a source map back to `code` (a segment at every token start of unchanged text, and at the
 * start of each replacement).
 */
export function applyReplacements(code, replacements, source) {
  replacements.sort((a, b) => a[0] - b[0]);
  const lines = [[]];
  let genCol = 0;
  let srcLine = 0;
  let srcCol = 0;
  let output = '';
  /** Emits `text` (taken from the original at the current source position when `copied`). */
  const emit = (text, copied) => {
    for (let k = 0; k < text.length; k++) {
      const c = text[k];
      const boundary = k === 0 || /[^\w$]/.test(c) || /[^\w$]/.test(text[k - 1]);
      if (boundary && (copied || k === 0) && c !== '\n') lines.at(-1).push([genCol, srcLine, srcCol]);
      if (c === '\n') {
        lines.push([]);
        genCol = 0;
      } else genCol++;
      if (copied) {
        if (c === '\n') {
          srcLine++;
          srcCol = 0;
        } else srcCol++;
      }
    }
    output += text;
  };
  const advanceSource = (text) => {
    for (const c of text) {
      if (c === '\n') {
        srcLine++;
        srcCol = 0;
      } else srcCol++;
    }
  };
  let cursor = 0;
  for (const [start, end, text] of replacements) {
    emit(code.slice(cursor, start), true);
    emit(text, false);
    advanceSource(code.slice(start, end));
    cursor = end;
  }
  emit(code.slice(cursor), true);

  let prevSrcLine = 0;
  let prevSrcCol = 0;
  const mappings = lines
    .map((segments) => {
      let prevGenCol = 0;
      return segments
        .map(([col, line, column]) => {
          const segment = vlq(col - prevGenCol) + vlq(0) + vlq(line - prevSrcLine) + vlq(column - prevSrcCol);
          prevGenCol = col;
          prevSrcLine = line;
          prevSrcCol = column;
          return segment;
        })
        .join(',');
    })
    .join(';');
  return { code: output, map: { version: 3, sources: [source], sourcesContent: [code], names: [], mappings } };
}

/** Walks an ESTree AST, calling `visit(node, parent)` for every node. */
export function walk(node, parent, visit) {
  visit(node, parent);
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (child && typeof child.type === 'string') walk(child, node, visit);
    } else if (value && typeof value.type === 'string' && key !== 'parent') walk(value, node, visit);
  }
}

