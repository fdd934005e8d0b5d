/**
 * One headless Chromium for a whole test file, and browser contexts that keep every request on
 * this machine: file:, data:, blob: and localhost URLs are served, any other request is recorded
 * and aborted, so a page that wants the network both shows up in `externalRequests` and fails to
 * get what it asked for. WebSockets bypass routing; one to another host is recorded.
 */
import { Browser, BrowserContext, chromium } from 'playwright-core';
import { chromiumPath, launchArgs } from './chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: launchArgs });
}

/** Whether a URL stays on this machine. */
export function isLocal(url: string): boolean {
  if (/^(file|data|blob|about):/.test(url)) return true;
  try {
    const { hostname } = new URL(url);
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
}

export interface OfflineContext {
  context: BrowserContext;
  /** Every non-local URL a page of the context asked for (all of them aborted). */
  externalRequests: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
}

export async function offlineContext(browser: Browser, options: { javaScriptEnabled?: boolean } = {}): Promise<OfflineContext> {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true, viewport: { width: 1280, height: 900 } });
  const externalRequests: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    externalRequests.push(url);
    return route.abort();
  });
  // Generous, for a loaded machine: a project export is a 5 MB page that runs plotly.js and MathJax.
  context.setDefaultTimeout(120_000);
  context.setDefaultNavigationTimeout(120_000);
  context.on('page', (page) => {
    // WebSockets bypass routing; a non-local one is recorded (the Notebook's kernel channels are local).
    page.on('websocket', (socket) => {
      if (!isLocal(socket.url())) externalRequests.push(socket.url());
    });
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
    page.on('dialog', (dialog) => void dialog.accept());
  });
  return { context, externalRequests, errors };
}
