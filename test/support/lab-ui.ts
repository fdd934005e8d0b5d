/**
 * What a student does in JupyterLab 4, as playwright-core steps with JupyterLab's own selectors
 * (file browser items, menu labels, toolbar buttons' `data-command`, cell prompts), and what they
 * see (outputs' text, prompts). Everything acts on the notebook in the current tab.
 */
import type { Locator, Page } from 'playwright-core';

/** The notebook in the current main-area tab. */
export const notebookPanel = '.jp-NotebookPanel:not(.lm-mod-hidden)';

export function cells(page: Page): Locator {
  return page.locator(`${notebookPanel} .jp-Notebook .jp-Cell`);
}

/** Waits until JupyterLab has started (the file browser lists the folder). */
export async function waitForLab(page: Page): Promise<void> {
  await page.locator('.jp-DirListing-item').first().waitFor({ timeout: 120_000 });
}

/** Double-clicks `name` in the file browser (in its current folder) and waits for the kernel. */
export async function openFromFileBrowser(page: Page, name: string): Promise<void> {
  await page.locator('.jp-DirListing-item', { has: page.locator('.jp-DirListing-itemText', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }) }).dblclick();
  await page.locator(`${notebookPanel} .jp-Notebook`).waitFor();
  // The status bar names the kernel once its session has started (the toolbar's indicator says
  // idle before there is a kernel, and Run All then would ask which kernel to start).
  await page.locator('.jp-StatusBar-Widget', { hasText: /TypeScript \(Descent Lab tslab\) \| Idle/ }).first().waitFor({ timeout: 120_000 });
  await waitForKernelIdle(page, 120_000);
}

/** Opens a folder of the file browser by double-click (`..` is the breadcrumb's root instead). */
export async function openFolder(page: Page, name: string): Promise<void> {
  await page.locator('.jp-DirListing-item', { has: page.locator('.jp-DirListing-itemText', { hasText: new RegExp(`^${name}$`) }) }).dblclick();
}

export async function waitForKernelIdle(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator(`${notebookPanel} .jp-Notebook-ExecutionIndicator[data-status="idle"]`).waitFor({ state: 'attached', timeout: timeoutMs });
}

/** Clicks a menu bar entry, then an item of its menu, by their labels. */
export async function menu(page: Page, top: string, item: string): Promise<void> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: new RegExp(`^${top}$`) }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${item.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).click();
}

/** The text of each code cell's prompt, e.g. `[3]:`, `[*]:`, `[ ]:`. */
export function prompts(page: Page): Promise<string[]> {
  return page.locator(`${notebookPanel} .jp-CodeCell .jp-InputArea-prompt`).allTextContents();
}

/**
 * Waits until no code cell is running or queued and the kernel is idle, e.g. after Run All; returns
 * the prompts. `[*]` marks both running and queued cells.
 */
export async function waitForRunToEnd(page: Page, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = await prompts(page);
    const idle = await page.locator(`${notebookPanel} .jp-Notebook-ExecutionIndicator[data-status="idle"]`).count();
    if (idle > 0 && !shown.some((prompt) => prompt.includes('*'))) return shown;
    if (Date.now() > deadline) throw new Error(`cells still running after ${timeoutMs / 1000} s: ${shown.join(' ')}`);
    await page.waitForTimeout(250);
  }
}

/** Each code cell's outputs as text (streams, results, errors), in cell order. */
export function codeCellOutputs(page: Page): Promise<string[]> {
  return page.locator(`${notebookPanel} .jp-CodeCell`).evaluateAll((nodes) =>
    nodes.map((node) => Array.from(node.querySelectorAll<HTMLElement>('.jp-OutputArea-output')).map((out) => out.textContent ?? "").join('\n')));
}

/** The code cells whose outputs include an error (JupyterLab shows errors with the stderr mime type). */
export function errorOutputs(page: Page): Promise<string[]> {
  return page.locator(`${notebookPanel} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]`).allTextContents();
}

/** Formulas MathJax typeset in rendered Markdown, and any `$...$` left raw there. */
export async function formulas(page: Page): Promise<{ typeset: number; raw: string[] }> {
  return page.locator(`${notebookPanel} .jp-MarkdownCell .jp-RenderedMarkdown`).evaluateAll((nodes) => ({
    typeset: nodes.reduce((sum, node) => sum + node.querySelectorAll('mjx-container').length, 0),
    raw: nodes.flatMap((node) => {
      const copy = node.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('mjx-container, code, pre').forEach((el) => el.remove());
      return copy.textContent?.match(/\$[^$\n]+\$/g) ?? [];
    }),
  }));
}

/** Saves with Ctrl+S and waits until the tab no longer shows unsaved changes. */
export async function save(page: Page): Promise<void> {
  await page.locator(`${notebookPanel} .jp-Notebook`).click({ position: { x: 5, y: 5 } }).catch(() => undefined);
  await page.keyboard.press('Control+s');
  await page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current.jp-mod-dirty').waitFor({ state: 'detached' });
}

/** Closes the current tab with its close icon (the notebook must be saved: no dialog is answered). */
export async function closeTab(page: Page): Promise<void> {
  await page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabCloseIcon').click();
}

/** Clicks the notebook toolbar's button for `command`, e.g. `notebook:interrupt-kernel`. */
export function toolbarButton(page: Page, command: string): Locator {
  return page.locator(`${notebookPanel} .jp-Toolbar [data-command="${command}"]`);
}

/** Puts the cursor into code cell `index` (0-based among all cells) in edit mode. */
export async function editCell(page: Page, index: number): Promise<void> {
  const cell = cells(page).nth(index);
  await cell.scrollIntoViewIfNeeded();
  await cell.locator('.cm-content').click();
}

/** Replaces the source of cell `index` with `text`, as if typed (no auto-indent or bracket closing). */
export async function replaceSource(page: Page, index: number, text: string): Promise<void> {
  await editCell(page, index);
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText(text);
}

/**
 * Runs cell `index` as a student does (click into it, Shift+Enter) and waits until its prompt shows
 * a new execution count, `[n]:`. Waiting on the cell's own prompt, not on the kernel's idle status,
 * matters: right after the key press the cell may not be queued yet while the kernel still shows idle.
 */
export async function runCell(page: Page, index: number, timeoutMs: number): Promise<void> {
  const prompt = cells(page).nth(index).locator('.jp-InputArea-prompt');
  const before = (await prompt.textContent()) ?? '';
  await editCell(page, index);
  await page.keyboard.press('Shift+Enter');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = (await prompt.textContent()) ?? '';
    if (/\[\d+\]/.test(now) && now !== before) return;
    if (Date.now() > deadline) throw new Error(`cell ${index} did not run within ${timeoutMs / 1000} s (prompt ${now})`);
    await page.waitForTimeout(100);
  }
}

/** All the text of cell `index`: prompt, source and outputs (also for cells scrolled out of view). */
export async function cellText(page: Page, index: number): Promise<string> {
  return (await cells(page).nth(index).textContent()) ?? '';
}
