/** Opens a rendered page in Chromium from a file:// URL and records what it did. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { GradeRun } from '../../../grader/results/types.ts';
import { renderHtml } from '../../../grader/reports/html/index.ts';
import { launchChromium } from './browser.ts';

export interface OpenedPage {
  page: Page;
  url: string;
  /** Every request the page made (should be only its own URL). */
  requests: string[];
  /** alert/confirm/prompt dialogs: a script injection would show up here. */
  dialogs: string[];
  errors: string[];
}

export class PageFiles {
  private readonly dir = mkdtempSync(join(tmpdir(), 'html-report-'));
  private count = 0;

  write(html: string): string {
    const file = join(this.dir, `page-${++this.count}.html`);
    writeFileSync(file, html);
    return pathToFileURL(file).href;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function openRun(browser: Browser, files: PageFiles, run: GradeRun): Promise<OpenedPage> {
  const url = files.write(renderHtml(run));
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const opened: OpenedPage = { page, url, requests: [], dialogs: [], errors: [] };
  page.on('request', (req) => opened.requests.push(req.url()));
  page.on('dialog', (dialog) => {
    opened.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (err) => opened.errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') opened.errors.push(msg.text());
  });
  await page.goto(url);
  return opened;
}

/** Names of the body rows, top to bottom, as shown. */
export function rowNames(page: Page): Promise<string[]> {
  return page.$$eval('.mbody .mrow:not([hidden]) button.who', (els) => els.map((e) => e.textContent ?? ''));
}

/**
 * Chromium and page files for the tests of one file or describe block:
 * launched before its tests, closed and removed after them.
 */
export function pageSession(): { open(run: GradeRun): Promise<OpenedPage> } {
  let browser: Browser | undefined;
  const files = new PageFiles();
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    files.remove();
  });
  return {
    open(run) {
      if (browser === undefined) throw new Error('Chromium is not launched yet');
      return openRun(browser, files, run);
    },
  };
}
