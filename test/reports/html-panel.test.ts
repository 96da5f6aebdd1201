/**
 * The class page's detail panel in real headless Chromium: transcripts on
 * demand, keyboard use, and untrusted transcript text rendered as text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from './html/browser.ts';
import { PageFiles, openRun } from './html/harness.ts';
import type { OpenedPage } from './html/harness.ts';
import { HOSTILE, hostile } from './html/runs.ts';
import { crashed, loadError, portability, sampleRun, starterLike } from './sample-run.ts';

let browser: Browser;
const files = new PageFiles();

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  files.remove();
});

function row(page: Page, name: string): Locator {
  return page.locator('.mbody .mrow', { has: page.locator('button.who', { hasText: name }) });
}
function cellOf(page: Page, name: string, testIndex: number, serverIndex: number): Locator {
  return row(page, name).locator(`button.sub[data-k="${testIndex * 2 + serverIndex}"]`);
}
function dialogOpen(page: Page): Promise<boolean> {
  return page.locator('#detail').evaluate((d) => (d as { open: boolean }).open);
}
async function closeClean(opened: OpenedPage): Promise<void> {
  expect(opened.requests).toEqual([opened.url]);
  expect(opened.dialogs).toEqual([]);
  expect(opened.errors).toEqual([]);
  await opened.page.close();
}

describe('detail panel', () => {
  it('shows the transcript of a failing cell and closes on Escape', async () => {
    const opened = await openRun(browser, files, sampleRun());
    const { page } = opened;
    const cell = cellOf(page, 'starter', 1, 1);
    expect(await cell.getAttribute('aria-label')).toBe('starter — core.create.status-201 on socket: failed');
    await cell.click();
    expect(await dialogOpen(page)).toBe(true);
    const panel = page.locator('#detail');
    expect(await panel.locator('#detail-title').textContent()).toBe('core.create.status-201');
    const text = await panel.textContent();
    for (const part of [
      'POST /todos HTTP/1.1', // request line: method and target
      'Content-Type: application/json', // request headers
      '{"title":"buy milk"}', // request body
      'HTTP/1.1 501 Not Implemented', // response status
      'not implemented yet: see starter/app.ts', // response body
      'Expected status 201, got 501', // failure message
      'status 201', // expected
      'Status codes: 201 Created for a new resource', // why
      'Read the body from wsgi.input', // hint
      "curl -i -X POST 'http://127.0.0.1:8000/todos'",
    ]) expect(text).toContain(part);
    expect(await panel.locator('.switch[aria-pressed="true"]').textContent()).toContain('socket');
    await page.keyboard.press('Escape');
    expect(await dialogOpen(page)).toBe(false);
    // Focus goes back to the cell that opened the panel.
    expect(await cell.evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);
    await closeClean(opened);
  });

  it('shows what the app printed during a failing test, tagged by stream, as text', async () => {
    const run = sampleRun();
    const starter = run.submissions.find((sub) => sub.name === 'starter')!;
    const outcome = starter.tests.find((t) => t.id === 'core.create.status-201')!.outcomes.socket!;
    outcome.appOutput = [{ stream: 'stdout', text: 'got POST /todos\n' }, { stream: 'wsgi.errors', text: '<b>not bold</b>\n' }];
    const opened = await openRun(browser, files, run);
    await cellOf(opened.page, 'starter', 1, 1).click();
    const printed = opened.page.locator('#detail pre.printed');
    expect(await printed.textContent()).toBe('got POST /todos\n[wsgi.errors] <b>not bold</b>');
    expect(await printed.locator('b').count()).toBe(0);
    await closeClean(opened);
  });

  it('switches servers and shows portability with the environ diff', async () => {
    const opened = await openRun(browser, files, sampleRun([portability('carol')]));
    const { page } = opened;
    // core.body.empty-content-length (index 4) fails on socket only.
    await cellOf(page, 'carol', 4, 1).click();
    const panel = page.locator('#detail');
    expect(await panel.textContent()).toContain('Passes on simple, fails on socket');
    const diff = await panel.locator('table.environ-diff tbody tr').first().locator('th, td').allTextContents();
    expect(diff).toEqual(['CONTENT_LENGTH', '""', '(absent)']);
    await panel.locator('.switch', { hasText: 'simple' }).click();
    expect(await panel.locator('.switch[aria-pressed="true"]').textContent()).toContain('simple');
    expect(await panel.locator('.failure').count()).toBe(0);
    expect(await panel.textContent()).toContain('passed');
    // The violation block of 2.method.405-allow on simple.
    await page.keyboard.press('Escape');
    await cellOf(page, 'carol', 6, 0).click();
    expect(await panel.textContent()).toContain('start_response.header-not-string');
    expect(await panel.textContent()).toContain('Pass header values as strings');
    await closeClean(opened);
  });

  it('opens from the keyboard and moves between cells with arrow keys', async () => {
    const opened = await openRun(browser, files, sampleRun([starterLike('starter')]));
    const { page } = opened;
    // Exactly one matrix cell is in the tab order.
    expect(await page.locator('.mbody button.sub[tabindex="0"]').count()).toBe(1);
    await page.locator('.mbody button.sub').first().focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate<string>('document.activeElement.dataset.k')).toBe('2');
    await page.keyboard.press('Enter');
    expect(await dialogOpen(page)).toBe(true);
    expect(await page.locator('#detail-title').textContent()).toBe('core.create.status-201');
    await page.keyboard.press('Escape');
    expect(await dialogOpen(page)).toBe(false);
    expect(await page.evaluate<string>('document.activeElement.dataset.k')).toBe('2');
    await closeClean(opened);
  });

  it('shows a submission: status detail, sandbox and output', async () => {
    const opened = await openRun(browser, files, sampleRun([loadError('bob'), portability('carol')]));
    const { page } = opened;
    await row(page, 'bob').locator('button.who').click();
    const text = await page.locator('#detail').textContent();
    expect(text).toContain("app.ts:12:5: Expected ';' but found 'const'");
    expect(text).toContain('CPU time per request');
    await page.keyboard.press('Escape');
    await row(page, 'carol').locator('button.who').click();
    expect(await page.locator('#detail').textContent()).toContain('listening');
    // Portability tests link to their failing cell.
    await page.locator('#detail button.link', { hasText: 'core.body.empty-content-length' }).click();
    expect(await page.locator('#detail-title').textContent()).toBe('core.body.empty-content-length');
    expect(await page.locator('.switch[aria-pressed="true"]').textContent()).toContain('socket');
    await closeClean(opened);
  });
});

describe('untrusted text', () => {
  it('marks control characters instead of printing them raw', async () => {
    const opened = await openRun(browser, files, sampleRun([crashed('dave')]));
    const { page } = opened;
    await cellOf(page, 'dave', 0, 0).click();
    expect(await page.locator('#detail .failure .message').textContent()).toBe('Body is not a JSON array\\x00 (control characters \\x08 in the body)');
    expect(await page.locator('#detail .failure .message .ctl').count()).toBe(2);
    expect(await page.locator('#detail pre.response .ctl').first().textContent()).toBe('\\x01');
    expect(await page.locator('#detail').textContent()).toContain('Body truncated to an excerpt.');
    await closeClean(opened);
  });


  it('renders a hostile body, message, output and name as text', async () => {
    const opened = await openRun(browser, files, sampleRun([hostile()]));
    const { page } = opened;
    const name = '<img src=x onerror=alert(3)>';
    const outsidePanel = (): Promise<number> => page.evaluate<number>("document.querySelectorAll('body > :not(dialog) *').length");
    const baseline = await outsidePanel();
    expect(await page.locator('button.who').textContent()).toBe(name);

    await cellOf(page, name, 1, 0).click();
    const panel = page.locator('#detail');
    const pres = await panel.locator('pre.response').allTextContents();
    expect(pres.join('\n')).toContain(HOSTILE);
    expect(await panel.locator('.failure .message').textContent()).toBe(`Crashed: ${HOSTILE}`);
    await page.keyboard.press('Escape');
    await page.locator('button.who').click();
    expect(await panel.textContent()).toContain(HOSTILE);

    // No element came from the strings: no <img>, no extra <script>, nothing ran.
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script:not([type])').count()).toBe(1);
    expect(await outsidePanel()).toBe(baseline);
    await closeClean(opened);
  });
});
