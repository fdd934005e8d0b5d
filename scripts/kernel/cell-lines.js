// Maps a line of the JavaScript that tslab runs for a cell back to the line of the cell's source.
// A helper of error-messages.js, not an adaptation of its own.
//
// tslab gives no source map and no fixed offset: its compiler (a TypeScript watch program whose
// options it keeps to itself) drops blank lines and type declarations, then a second pass to
// CommonJS adds helper functions and an `exports.x = x;` line after each declaration. So the mapping
// is rebuilt: the cell is compiled again here to CommonJS with TypeScript's own transpileModule and
// a source map, which gives each line of that shadow output its cell line; then the shadow is lined
// up with tslab's output (a longest common subsequence of their lines, compared with tslab's
// rewrites taken out: `exports.` before names of earlier cells, `tsLastExpr = ` before the last
// expression). A line tslab added (an `exports.x = x;`) takes the cell line of the matched line
// above it.
'use strict';

const path = require('node:path');

/** The TypeScript that tslab compiles with, so that the shadow output is laid out like tslab's. */
const typescript = () => require(require.resolve('@tslab/typescript-for-tslab', { paths: [path.dirname(require.resolve('tslab/package.json'))] }));

/** Past this many pairs of lines (a huge cell) the alignment is skipped and no line is mapped. */
const MAX_PAIRS = 4_000_000;

/**
 * For each line of `output` (tslab's compiled cell, 0-based), the 0-based line of `src` it came
 * from, or -1 where none is known.
 * @param {string} src the cell as the user typed it
 * @param {string} output the CommonJS tslab compiled it to
 * @param {{ isJs?: boolean }} [options] `isJs`: the cell is JavaScript (tslab's jslab kernel)
 */
function cellLineMap(src, output, options = {}) {
  const ts = typescript();
  const shadow = ts.transpileModule(src, {
    fileName: options.isJs ? 'cell.js' : 'cell.ts',
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      experimentalDecorators: true,
      jsx: ts.JsxEmit.React,
      noImplicitUseStrict: true,
      newLine: ts.NewLineKind.LineFeed,
      sourceMap: true,
      verbatimModuleSyntax: true, // keeps imports whose names the cell does not use, as tslab does
    },
  });
  const shadowToSrc = sourceLines(JSON.parse(shadow.sourceMapText).mappings);
  const ours = output.split('\n').map(comparable);
  const theirs = shadow.outputText.split('\n').map(comparable);
  const matched = alignLines(ours, theirs);
  const map = [];
  let above = -1;
  for (let line = 0; line < ours.length; line++) {
    const shadowLine = matched[line];
    const srcLine = shadowLine >= 0 ? shadowToSrc[shadowLine] ?? -1 : -1;
    if (srcLine >= 0) above = srcLine;
    map.push(srcLine >= 0 ? srcLine : above);
  }
  return map;
}

/** A line with tslab's rewrites taken out, or '' for a line that must not be matched (blank). */
function comparable(line) {
  return line.replace(/\bexports\./g, '').replace(/^\s*tsLastExpr\d* = /, '').trim();
}

/** For each line of `a`, the index of the line of `b` it is paired with by a longest common subsequence, or -1. */
function alignLines(a, b) {
  const pairs = new Array(a.length).fill(-1);
  if (a.length * b.length > MAX_PAIRS) return pairs;
  // longest[i][j]: the length of the longest common subsequence of a[i..] and b[j..].
  const longest = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      longest[i][j] = a[i] !== '' && a[i] === b[j] ? longest[i + 1][j + 1] + 1 : Math.max(longest[i + 1][j], longest[i][j + 1]);
    }
  }
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] !== '' && a[i] === b[j]) pairs[i++] = j++;
    else if (longest[i + 1][j] >= longest[i][j + 1]) i++;
    else j++;
  }
  return pairs;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** For each generated line of a source map's `mappings`, the source line of its first segment, or -1. */
function sourceLines(mappings) {
  const lines = [];
  let srcLine = 0; // source map fields are deltas, and the source line carries over from line to line
  for (const group of mappings.split(';')) {
    let first = -1;
    for (const segment of group.split(',')) {
      const fields = vlqValues(segment);
      if (fields.length < 4) continue;
      srcLine += fields[2];
      if (first < 0) first = srcLine;
    }
    lines.push(first);
  }
  return lines;
}

/** The numbers of one base64 VLQ source-map segment. */
function vlqValues(segment) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value % 2 ? -Math.floor(value / 2) : value / 2);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

module.exports = { cellLineMap };
