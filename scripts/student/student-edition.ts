/**
 * A student edition of one course notebook: what `nbgrader generate_assignment` hands out, as far
 * as the solutions go. Every solution region becomes the stub (scripts/student/solution-regions.ts,
 * nbgrader's ClearSolutions with `code_stub = {'typescript': SOLUTION_STUB}`), and every output and
 * execution count is cleared (nbconvert's ClearOutput). The instructor notebook is the only source:
 * nothing here is kept by hand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SOLUTION_STUB } from '../../lib/checks';
import {
  checkNbgraderMetadata, clearCell, isSolutionCell, NotebookCellJson, Region, RegionError,
} from './solution-regions';

/** A notebook as nbformat 4 stores it. */
export interface NotebookJson {
  cells: NotebookCellJson[];
  metadata: { kernelspec?: { language?: string; name?: string }; celltoolbar?: unknown; [key: string]: unknown };
  nbformat: number;
  nbformat_minor: number;
}

/** The kernel language of the course notebooks: the key of nbgrader's `ClearSolutions.code_stub`. */
export const NOTEBOOK_LANGUAGE = 'typescript';

/** What making one edition found: the solution cells and their regions. */
export interface EditionReport {
  /** Solution cells, by number from 1, with the regions cut from each (none: the whole cell was). */
  solutionCells: { cellNumber: number; gradeId: string; regions: Region[] }[];
  /** The grade (check) cells' grade ids, in order. */
  checkCells: string[];
}

/** The metadata fields nbconvert's ClearOutput removes with the outputs. */
const OUTPUT_METADATA = ['collapsed', 'scrolled'];

/** nbformat's way of storing a source: lines with their newlines, the last one without. */
export function sourceLines(source: string): string[] {
  return source === '' ? [] : source.split(/(?<=\n)/);
}

/**
 * The student edition of `notebook` (not changed): regions replaced by `codeStub` (by default the
 * course's SOLUTION_STUB), outputs and execution counts cleared. `name` labels the errors, which
 * name the notebook, the cell and the line.
 */
export function studentEdition(notebook: NotebookJson, name: string, codeStub = SOLUTION_STUB): { notebook: NotebookJson; report: EditionReport } {
  const fail = (error: unknown): never => {
    if (error instanceof RegionError) throw new RegionError(`${name}: ${error.message}`);
    throw error;
  };
  const language = notebook.metadata?.kernelspec?.language;
  if (language !== NOTEBOOK_LANGUAGE) {
    fail(new RegionError(`the kernel language is ${JSON.stringify(language)}, not "${NOTEBOOK_LANGUAGE}": ` +
      `nbgrader looks its code stub up by that language (ClearSolutions.code_stub = {'${NOTEBOOK_LANGUAGE}': ...}).`));
  }
  try {
    checkNbgraderMetadata(notebook.cells);
  } catch (error) {
    fail(error);
  }
  const report: EditionReport = { solutionCells: [], checkCells: [] };
  const cells = notebook.cells.map((cell, index) => {
    const place = { cellNumber: index + 1, cellId: cell.id };
    let cleared;
    try {
      cleared = clearCell(cell, codeStub, place);
    } catch (error) {
      return fail(error);
    }
    const nbgrader = cell.metadata?.nbgrader;
    if (isSolutionCell(cell)) report.solutionCells.push({ cellNumber: index + 1, gradeId: nbgrader!.grade_id!, regions: cleared.regions });
    else if (nbgrader?.grade) report.checkCells.push(nbgrader.grade_id!);
    const copy: NotebookCellJson = { ...cell, metadata: { ...cell.metadata }, source: sourceLines(cleared.source) };
    if (cell.cell_type === 'code') {
      copy.outputs = [];
      copy.execution_count = null;
      for (const field of OUTPUT_METADATA) delete copy.metadata[field];
    }
    return copy;
  });
  const metadata = { ...notebook.metadata };
  delete metadata.celltoolbar; // as ClearSolutions does: the student has no use for the nbgrader toolbar
  return { notebook: { ...notebook, metadata, cells }, report };
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/** A notebook as nbformat writes it: one-space indent, sorted keys, a final newline. */
export function notebookText(notebook: NotebookJson): string {
  return `${JSON.stringify(sortedKeys(notebook), null, 1)}\n`;
}

/** Reads an .ipynb file. */
export function readNotebook(file: string): NotebookJson {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Writes the student edition of `file` into `outDir` under the same name; returns its path and
 * report. Errors name the notebook as `label` (by default the file's path relative to the working folder).
 */
export function writeStudentEdition(file: string, outDir: string, label = path.relative(process.cwd(), file)): { path: string; report: EditionReport } {
  const { notebook, report } = studentEdition(readNotebook(file), label);
  fs.mkdirSync(outDir, { recursive: true });
  const target = path.join(outDir, path.basename(file));
  fs.writeFileSync(target, notebookText(notebook));
  return { path: target, report };
}
