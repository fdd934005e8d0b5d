/**
 * Drives a notebook open in the classic Notebook 6 page through its own JavaScript API
 * (`Jupyter.notebook`): wait until it is loaded and its kernel connected, Run All, execute one
 * cell, save. Cells are counted among code cells, as in chart-outputs.ts.
 */
import type { Page } from 'playwright-core';

/** The page's own, untyped, notebook API. */
declare const Jupyter: any;

const generous = 180_000;

/** Opens `url` and waits until the notebook is loaded and its kernel connected. */
export async function openNotebook(page: Page, url: string, timeoutMs = generous): Promise<void> {
  await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
  await page.waitForFunction(
    () => typeof Jupyter !== 'undefined' && Jupyter.notebook?._fully_loaded && Jupyter.notebook.kernel?.is_connected(),
    undefined, { timeout: timeoutMs, polling: 200 });
}

/** Reloads the page (as a reader pressing F5) and waits until the notebook is loaded again. */
export async function reloadNotebook(page: Page, timeoutMs = generous): Promise<void> {
  await page.reload({ waitUntil: 'load', timeout: timeoutMs });
  await page.waitForFunction(() => typeof Jupyter !== 'undefined' && Jupyter.notebook?._fully_loaded,
    undefined, { timeout: timeoutMs, polling: 200 });
}

/** Whether the open notebook is trusted (its outputs' scripts may run). */
export function isTrusted(page: Page): Promise<boolean> {
  return page.evaluate(() => Boolean(Jupyter.notebook.trusted));
}

/** Runs every cell (Cell > Run All) and waits until each code cell has run and the kernel is idle. */
export async function runAll(page: Page, timeoutMs = generous): Promise<void> {
  await page.evaluate(() => Jupyter.notebook.execute_all_cells());
  await page.waitForFunction(() => !Jupyter.notebook.kernel_busy && Jupyter.notebook.get_cells()
    .filter((cell: any) => cell.cell_type === 'code')
    .every((cell: any) => typeof cell.input_prompt_number === 'number'),
  undefined, { timeout: timeoutMs, polling: 250 });
}

/** Runs code cell `index` again and waits until it has a new prompt number and the kernel is idle. */
export async function runCodeCell(page: Page, index: number, timeoutMs = generous): Promise<void> {
  const before = await page.evaluate((at) => {
    const cells = Jupyter.notebook.get_cells();
    const cell = cells.filter((candidate: any) => candidate.cell_type === 'code')[at];
    const previous = cell.input_prompt_number;
    Jupyter.notebook.execute_cells([cells.indexOf(cell)]);
    return previous;
  }, index);
  await page.waitForFunction(([at, previous]) => {
    const cell = Jupyter.notebook.get_cells().filter((candidate: any) => candidate.cell_type === 'code')[at];
    return !Jupyter.notebook.kernel_busy && typeof cell.input_prompt_number === 'number' && cell.input_prompt_number !== previous;
  }, [index, before] as [number, unknown], { timeout: timeoutMs, polling: 250 });
}

/** Saves the notebook (File > Save and Checkpoint) and waits for the server's answer. */
export async function save(page: Page): Promise<void> {
  await page.evaluate(() => Jupyter.notebook.save_notebook());
  await page.waitForFunction(() => !Jupyter.notebook.dirty, undefined, { polling: 200 });
}

/** Error outputs of the page's code cells (tslab reports thrown errors on stderr). */
export function errorOutputs(page: Page): Promise<string[]> {
  return page.evaluate(() => Jupyter.notebook.get_cells()
    .filter((cell: any) => cell.cell_type === 'code')
    .flatMap((cell: any, index: number) => cell.output_area.outputs
      .filter((output: any) => output.output_type === 'error' || (output.output_type === 'stream' && output.name === 'stderr'))
      .map((output: any) => `code cell ${index + 1}: ${output.ename ?? ''} ${output.evalue ?? output.text ?? ''}`.slice(0, 500))));
}
