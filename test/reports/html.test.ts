/**
 * The class page in real headless Chromium: matrix shape, sorting, filtering,
 * print media, size, and that the page never touches the network.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './html/browser.ts';
import { PageFiles, openRun, rowNames } from './html/harness.ts';
import type { OpenedPage } from './html/harness.ts';
import { bigRun, hostile } from './html/runs.ts';
import { SAMPLE_SPECS, fullMarks, portability, sampleRun, singleRun, starterLike, timedOut } from './sample-run.ts';

let browser: Browser;
const files = new PageFiles();
const TESTS = SAMPLE_SPECS.length;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  files.remove();
});

/** Every opened page must have stayed offline and free of errors. */
async function closeClean(opened: OpenedPage): Promise<void> {
  expect(opened.requests).toEqual([opened.url]);
  expect(opened.dialogs).toEqual([]);
  expect(opened.errors).toEqual([]);
  await opened.page.close();
}

describe('matrix', () => {
  it('has one row per submission and one sub-cell per test and server', async () => {
    const run = sampleRun();
    const opened = await openRun(browser, files, run);
    const { page } = opened;
    expect(await page.locator('.mbody .mrow').count()).toBe(run.submissions.length);
    const perRow = await page.$$eval('.mbody .mrow', (rows) => rows.map((r) => r.querySelectorAll('.sub').length));
    expect(perRow).toEqual(run.submissions.map(() => TESTS * 2));
    expect(await page.locator('.mhead [role="columnheader"].test').count()).toBe(TESTS);
    // A load error has no outcomes: placeholders, not buttons.
    const bob = page.locator('.mbody .mrow', { hasText: 'bob, "the builder"' });
    expect(await bob.locator('button.sub').count()).toBe(0);
    expect(await bob.locator('.sub.none').count()).toBe(TESTS * 2);
    expect(await bob.locator('.badge').textContent()).toContain('load error');
    // Symbols carry the meaning, not colour alone.
    const starter = page.locator('.mbody .mrow', { hasText: 'starter' });
    expect(new Set(await starter.locator('.sub').allTextContents())).toEqual(new Set(['✗']));
    const alice = page.locator('.mbody .mrow', { hasText: 'alice' });
    expect(new Set(await alice.locator('.sub').allTextContents())).toEqual(new Set(['✓']));
    await closeClean(opened);
  });

  it('marks hidden tests, portability counts and pass rates', async () => {
    const opened = await openRun(browser, files, sampleRun());
    const { page } = opened;
    const hiddenIds = SAMPLE_SPECS.filter((s) => s.visibility === 'hidden').map((s) => s.id);
    expect(await page.$$eval('.hidden-test abbr', (els) => els.map((e) => e.textContent))).toEqual(hiddenIds);
    expect(await page.locator('.hidden-test svg use').count()).toBe(hiddenIds.length);
    const carol = page.locator('.mbody .mrow', { hasText: 'carol' });
    expect((await carol.locator('.mc-port').textContent())?.replace(/\s/g, '')).toBe('⇄2');
    const rates = await page.$$eval('.rates .rate', (els) => els.map((e) => e.textContent));
    expect(rates).toHaveLength(TESTS);
    for (const rate of rates) expect(rate).toMatch(/^\d{1,3}$/);
    // The histogram has its axis labels and one bar per non-empty band.
    expect(await page.locator('svg.histogram').textContent()).toContain('Score (% of maximum)');
    expect(await page.locator('svg.histogram').textContent()).toContain('Submissions');
    await closeClean(opened);
  });
});

describe('sorting and filtering', () => {
  // Distinct scores and names whose order differs by name and by score.
  const run = sampleRun([starterLike('alpha'), fullMarks('delta'), timedOut('bravo'), portability('Charlie')]);

  it('sorts by score and by name, with aria-sort', async () => {
    const opened = await openRun(browser, files, run);
    const { page } = opened;
    expect(await rowNames(page)).toEqual(['alpha', 'delta', 'bravo', 'Charlie']);
    await page.click('[role="columnheader"].mc-score button');
    expect(await rowNames(page)).toEqual(['delta', 'Charlie', 'bravo', 'alpha']);
    expect(await page.getAttribute('[role="columnheader"].mc-score', 'aria-sort')).toBe('descending');
    await page.click('[role="columnheader"].mc-score button');
    expect(await rowNames(page)).toEqual(['alpha', 'bravo', 'Charlie', 'delta']);
    expect(await page.getAttribute('[role="columnheader"].mc-score', 'aria-sort')).toBe('ascending');
    await page.click('[role="columnheader"].mc-name button');
    expect(await rowNames(page)).toEqual(['alpha', 'bravo', 'Charlie', 'delta']);
    expect(await page.getAttribute('[role="columnheader"].mc-name', 'aria-sort')).toBe('ascending');
    expect(await page.getAttribute('[role="columnheader"].mc-score', 'aria-sort')).toBe('none');
    await page.click('[role="columnheader"].mc-name button');
    expect(await rowNames(page)).toEqual(['delta', 'Charlie', 'bravo', 'alpha']);
    await closeClean(opened);
  });

  it('filters rows by name and columns by test id or title', async () => {
    const opened = await openRun(browser, files, run);
    const { page } = opened;
    const placeholder = await page.getAttribute('#filter', 'placeholder');
    expect(placeholder).toMatch(/name/i);
    expect(placeholder).toMatch(/test id/i);
    const visibleTests = (): Promise<number> => page.locator('.mhead .test:visible').count();

    await page.fill('#filter', 'CHAR');
    expect(await rowNames(page)).toEqual(['Charlie']);
    expect(await visibleTests()).toBe(TESTS);
    expect(await page.textContent('#shown')).toContain('Showing 1 of 4 submissions');

    await page.fill('#filter', 'alpha delta');
    expect(await rowNames(page)).toEqual(['alpha', 'delta']);

    await page.fill('#filter', 'core.create');
    expect(await rowNames(page)).toHaveLength(4);
    expect(await visibleTests()).toBe(2);
    // Hidden columns hide their cells too: two servers per shown test.
    expect(await page.locator('.mbody .mrow').first().locator('.sub:visible').count()).toBe(4);

    await page.fill('#filter', 'Location');
    expect(await visibleTests()).toBe(1);

    await page.fill('#filter', 'no-such-thing');
    expect(await rowNames(page)).toEqual([]);
    expect(await page.textContent('#shown')).toContain('nothing matches');

    await page.fill('#filter', '');
    expect(await rowNames(page)).toHaveLength(4);
    expect(await visibleTests()).toBe(TESTS);
    await closeClean(opened);
  });
});

describe('page as a whole', () => {
  it('still shows the matrix, with symbols, under print media', async () => {
    const run = sampleRun();
    const opened = await openRun(browser, files, run);
    const { page } = opened;
    await page.emulateMedia({ media: 'print' });
    expect(await page.evaluate<boolean>("matchMedia('print').matches")).toBe(true);
    expect(await page.locator('#matrix').isVisible()).toBe(true);
    expect(await page.locator('.mbody .mrow:visible').count()).toBe(run.submissions.length);
    expect(await page.locator('.mbody .sub:visible').count()).toBe(run.submissions.length * TESTS * 2);
    expect(await page.locator('.toolbar').isVisible()).toBe(false);
    const style = await page.$eval('.matrix-wrap', (e) => {
      const s = e.ownerDocument.defaultView!.getComputedStyle(e);
      return { overflow: s.overflowY, maxHeight: s.maxHeight };
    });
    expect(style).toEqual({ overflow: 'visible', maxHeight: 'none' });
    expect(await page.$eval('.mhead', (e) => e.ownerDocument.defaultView!.getComputedStyle(e).position)).toBe('static');
    // No background colours needed: the failing symbol is still there in black.
    const starter = page.locator('.mbody .mrow', { hasText: 'starter' });
    expect(await starter.locator('.sub').first().evaluate((e) => [e.textContent, e.ownerDocument.defaultView!.getComputedStyle(e).color])).toEqual(['✗', 'rgb(0, 0, 0)']);
    await closeClean(opened);
  });

  it('works for a single submission', async () => {
    const opened = await openRun(browser, files, singleRun(portability('carol')));
    const { page } = opened;
    expect(await rowNames(page)).toEqual(['carol']);
    expect(await page.locator('.mbody .sub').count()).toBe(TESTS * 2);
    await page.click('[role="columnheader"].mc-score button');
    expect(await rowNames(page)).toEqual(['carol']);
    await page.fill('#filter', '405');
    expect(await page.locator('.mhead .test:visible').count()).toBe(1);
    await page.locator('.mbody button.sub.f:visible').click();
    expect(await page.locator('#detail').textContent()).toContain('PUT /todos');
    await page.keyboard.press('Escape');
    expect(await page.locator('#detail').evaluate((d) => (d as { open: boolean }).open)).toBe(false);
    await closeClean(opened);
  });

  it('stays usable with 100 submissions × 60 tests × 2 servers', async () => {
    const run = bigRun(100);
    const opened = await openRun(browser, files, run);
    const { page } = opened;
    expect(await page.locator('.mbody .mrow').count()).toBe(100);
    expect(await page.locator('.mbody .sub').count()).toBe(100 * 60 * 2);
    // Transcripts are built on demand: none until a cell is opened, then one test's.
    expect(await page.locator('#detail .exchange').count()).toBe(0);
    await page.locator('.mbody .mrow').nth(57).locator('button.sub.f').first().click();
    expect(await page.locator('#detail .exchange').count()).toBe(1);
    expect(await page.locator('#detail').textContent()).toContain('student-058');
    await page.keyboard.press('Escape');
    await page.click('[role="columnheader"].mc-score button');
    const names = await rowNames(page);
    const byScore = [...run.submissions].sort((a, b) => b.score - a.score || a.name.localeCompare(b.name)).map((s) => s.name);
    expect(names).toEqual(byScore);
    await closeClean(opened);
  }, 120_000); // a 10 MB page on a shared 2-core machine: generous, never asserted
});
