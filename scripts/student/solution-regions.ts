/**
 * Solution regions, cut the way nbgrader's ClearSolutions preprocessor cuts them (nbgrader 0.9):
 *
 * - a line that contains `BEGIN SOLUTION` starts a region and one that contains `END SOLUTION` ends
 *   it; both lines, and every line between them, go;
 * - in place of the BEGIN line come the stub's lines (the code stub in code cells, the text stub in
 *   markdown cells), each prefixed with the BEGIN line's leading whitespace;
 * - a BEGIN inside a region, or a region that never ends, is an error;
 * - a region in a cell whose metadata does not mark it `nbgrader.solution` is an error (its
 *   `enforce_metadata` check, on by default);
 * - a solution cell without any region is replaced by the stub as a whole.
 *
 * nbgrader matches the delimiters anywhere in a line, so a comment that merely mentions one would
 * cut code silently, and it drops an END line met outside a region without a word. This module is
 * stricter where nbgrader is silent, so that what it accepts nbgrader cuts the same way: in a code
 * cell a delimiter line must read exactly `// BEGIN SOLUTION` or `// END SOLUTION` (indentation
 * allowed), and an END without its BEGIN is an error. Errors name the cell and the line.
 */

/** The text that opens a region (nbgrader's `ClearSolutions.begin_solution_delimeter`). */
export const BEGIN_DELIMITER = 'BEGIN SOLUTION';
/** The text that closes a region (nbgrader's `ClearSolutions.end_solution_delimeter`). */
export const END_DELIMITER = 'END SOLUTION';
/** How a delimiter line reads in a TypeScript code cell. */
export const BEGIN_LINE = `// ${BEGIN_DELIMITER}`;
export const END_LINE = `// ${END_DELIMITER}`;
/** nbgrader's default `ClearSolutions.text_stub`, for regions in markdown cells. */
export const TEXT_STUB = 'YOUR ANSWER HERE';

/** A malformed region or cell; the message names the cell and, where there is one, the line. */
export class RegionError extends Error {
  override name = 'RegionError';
}

/** Where something is, for error messages: `cell 7 (id opt-06)`, and a line number from 1. */
export interface CellPlace {
  /** Which cell, as people count them: from 1. */
  cellNumber: number;
  /** The cell's nbformat id, when it has one. */
  cellId?: string;
}

function where(place: CellPlace, line?: number): string {
  const cell = `cell ${place.cellNumber}${place.cellId ? ` (id ${place.cellId})` : ''}`;
  return line === undefined ? cell : `${cell}, line ${line}`;
}

/** One region found in a cell's source: the lines of its delimiters, from 1. */
export interface Region {
  beginLine: number;
  endLine: number;
}

/** What cutting a cell's source gave. */
export interface ClearedSource {
  /** The source with every region replaced by the stub (unchanged when there is none). */
  source: string;
  /** The regions found, in order. */
  regions: Region[];
}

/**
 * Replaces each solution region of `source` by `stub`, as ClearSolutions' `_replace_solution_region`
 * does (lines split and joined on `\n`, so the source's final newline, or its absence, stays).
 * Throws a RegionError for a nested BEGIN, a missing END, an END without BEGIN, and (in code cells)
 * a delimiter that is not alone on its line as a `//` comment.
 */
export function clearSolutionRegions(
  source: string,
  stub: string,
  cellType: 'code' | 'markdown' | 'raw',
  place: CellPlace,
): ClearedSource {
  const stubLines = stub.split('\n');
  const kept: string[] = [];
  const regions: Region[] = [];
  let openedAt: number | undefined;
  source.split('\n').forEach((line, index) => {
    const lineNumber = index + 1;
    const begins = line.includes(BEGIN_DELIMITER);
    const ends = !begins && line.includes(END_DELIMITER);
    if ((begins || ends) && cellType === 'code') {
      const expected = begins ? BEGIN_LINE : END_LINE;
      if (line.trim() !== expected) {
        throw new RegionError(`${where(place, lineNumber)}: "${line.trim()}" mentions ${begins ? BEGIN_DELIMITER : END_DELIMITER}, ` +
          `which nbgrader takes for a delimiter anywhere in a line; write the delimiter alone on its line as "${expected}", ` +
          'or reword the line.');
      }
    }
    if (begins) {
      if (openedAt !== undefined) {
        throw new RegionError(`${where(place, lineNumber)}: a second ${BEGIN_DELIMITER} inside the region opened at line ${openedAt}; ` +
          `close that one with "${END_LINE}" first (regions do not nest).`);
      }
      openedAt = lineNumber;
      const indent = /^\s*/.exec(line)![0];
      for (const stubLine of stubLines) kept.push(indent + stubLine);
    } else if (ends) {
      if (openedAt === undefined) {
        throw new RegionError(`${where(place, lineNumber)}: ${END_DELIMITER} without a ${BEGIN_DELIMITER} before it ` +
          '(nbgrader would drop this line silently); remove it or open the region above it.');
      }
      regions.push({ beginLine: openedAt, endLine: lineNumber });
      openedAt = undefined;
    } else if (openedAt === undefined) {
      kept.push(line);
    }
  });
  if (openedAt !== undefined) {
    throw new RegionError(`${where(place, openedAt)}: the region opened here has no ${END_DELIMITER}; ` +
      `add a "${END_LINE}" line where the solution ends.`);
  }
  return { source: regions.length > 0 ? kept.join('\n') : source, regions };
}

/** The `nbgrader` part of a cell's metadata, as nbgrader's cell toolbar writes it (schema version 3). */
export interface NbgraderCellMetadata {
  solution?: boolean;
  grade?: boolean;
  locked?: boolean;
  points?: number;
  grade_id?: string;
  schema_version?: number;
  task?: boolean;
}

/** A cell as nbformat 4 stores it (the fields the student edition reads or writes). */
export interface NotebookCellJson {
  cell_type: 'code' | 'markdown' | 'raw';
  id?: string;
  metadata: { nbgrader?: NbgraderCellMetadata; [key: string]: unknown };
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
  [key: string]: unknown;
}

/** True for a cell that nbgrader treats as a solution cell. */
export function isSolutionCell(cell: NotebookCellJson): boolean {
  return cell.metadata?.nbgrader?.solution === true;
}

/** True for a graded test cell: the check cells of the student editions. */
export function isGradeCell(cell: NotebookCellJson): boolean {
  return cell.metadata?.nbgrader?.grade === true && cell.metadata?.nbgrader?.solution !== true;
}

/** A cell's source as one string (nbformat may store a list of lines). */
export function sourceText(cell: NotebookCellJson): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** What ClearSolutions makes of one cell: its new source, and whether the cell held a region. */
export function clearCell(cell: NotebookCellJson, codeStub: string, place: CellPlace): ClearedSource {
  const stub = cell.cell_type === 'code' ? codeStub : TEXT_STUB;
  const cleared = clearSolutionRegions(sourceText(cell), stub, cell.cell_type, place);
  const solution = isSolutionCell(cell);
  if (cleared.regions.length > 0 && !solution) {
    throw new RegionError(`${where(place, cleared.regions[0].beginLine)}: a solution region in a cell that is not a solution cell; ` +
      'give the cell the metadata "nbgrader": {"solution": true, "grade": false, "locked": false, "grade_id": "<unique id>", ' +
      '"schema_version": 3} (nbgrader refuses the region otherwise).');
  }
  // A solution cell without a region is a solution as a whole: nbgrader puts the stub in its place.
  if (solution && cleared.regions.length === 0) return { source: stub, regions: [] };
  return cleared;
}

/**
 * Checks the nbgrader metadata that `nbgrader generate_assignment` and `autograde` rely on: every
 * solution or grade cell has a grade_id, no two share one, and a grade cell has its points.
 */
export function checkNbgraderMetadata(cells: readonly NotebookCellJson[]): void {
  const seen = new Map<string, number>();
  cells.forEach((cell, index) => {
    const meta = cell.metadata?.nbgrader;
    if (!meta || !(meta.solution || meta.grade)) return;
    const place = where({ cellNumber: index + 1, cellId: cell.id });
    if (typeof meta.grade_id !== 'string' || meta.grade_id === '') {
      throw new RegionError(`${place}: an nbgrader ${meta.solution ? 'solution' : 'grade'} cell without a grade_id; give it a unique "grade_id".`);
    }
    const first = seen.get(meta.grade_id);
    if (first !== undefined) {
      throw new RegionError(`${place}: grade_id "${meta.grade_id}" is already the id of cell ${first}; nbgrader needs each to be unique.`);
    }
    seen.set(meta.grade_id, index + 1);
    if (meta.grade && !(typeof meta.points === 'number' && meta.points >= 0)) {
      throw new RegionError(`${place}: the grade cell "${meta.grade_id}" has points = ${String(meta.points)}; give it "points": 1 (or more).`);
    }
  });
}
