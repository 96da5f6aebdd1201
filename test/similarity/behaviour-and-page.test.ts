// The grader's evidence and the page, on a real graded class: two apps
// written differently that share two unusual wrong answers (422 "title:
// blank" for an empty title, 410 "already gone" for an unknown to-do) beside
// correct solutions, graded by the engine on both servers; then the class
// page with its Similarity section in headless Chromium, and the similarity
// page of the fixture class.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { grade } from '../../grader/engine/index.ts';
import type { GradeRun } from '../../grader/results/types.ts';
import { renderHtml } from '../../grader/reports/html/index.ts';
import { renderSimilarityPage } from '../../grader/reports/html/similarity.ts';
import { behaviourPairs } from '../../grader/similarity/behaviour.ts';
import { addBehaviour, compareSubmissions } from '../../grader/similarity/index.ts';
import type { SimilarityReport } from '../../grader/similarity/types.ts';
import { launchChromium } from '../reports/html/browser.ts';
import { CLASS_DIR, FIXTURES } from './corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'similarity-behaviour-'));
const classDir = join(dir, 'class');
const MEMBERS = ['twin-a', 'twin-b', 'ind-switch', 'ind-class', 'solution'];
let run: GradeRun;
let report: SimilarityReport;
let browser: Browser;

beforeAll(async () => {
  cpSync(join(FIXTURES, 'behaviour', 'twin-a'), join(classDir, 'twin-a'), { recursive: true });
  cpSync(join(FIXTURES, 'behaviour', 'twin-b'), join(classDir, 'twin-b'), { recursive: true });
  cpSync(join(CLASS_DIR, 'ind-switch'), join(classDir, 'ind-switch'), { recursive: true });
  cpSync(join(CLASS_DIR, 'ind-class'), join(classDir, 'ind-class'), { recursive: true });
  cpSync('solution', join(classDir, 'solution'), { recursive: true });
  run = await grade([classDir], { tiers: ['core'] });
  const sources = MEMBERS.map((name) => ({ name, sourcePath: join(classDir, name) }));
  report = addBehaviour(await compareSubmissions(sources), run);
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('behaviour evidence from graded results', () => {
  test('the two apps that fail the same tests with the same unusual answers are flagged, with those answers', () => {
    const evidence = behaviourPairs(run);
    expect([...evidence.keys()]).toEqual(['twin-a\u0000twin-b']);
    const found = evidence.get('twin-a\u0000twin-b')!;
    const ids = found.tests.map((t) => t.id);
    expect(ids).toContain('core.validation.title-empty');
    expect(ids.some((id) => id.startsWith('core.delete.'))).toBe(true);
    expect(found.tests.some((t) => t.answer.includes('422') && t.answer.includes('title: blank'))).toBe(true);
    expect(found.score).toBe(1);
  });

  test('the evidence stands beside the code score: their code is not alike', () => {
    const pair = report.pairs.find((p) => p.a === 'twin-a' && p.b === 'twin-b')!;
    expect(pair.behaviour?.tests.length).toBeGreaterThanOrEqual(2);
    expect(pair.similarity).toBeLessThan(0.1);
    expect(report.pairs.filter((p) => p.behaviour !== undefined)).toHaveLength(1);
  });
});

async function open(html: string, name: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const file = join(dir, name);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(pathToFileURL(file).href);
  return { page, requests, errors };
}

describe('the class page with --similarity', () => {
  test('shows the Similarity section under the matrix, the flagged pair with its behaviour, and links to each row of the matrix', async () => {
    const { page, requests, errors } = await open(renderHtml(run, { similarity: report }), 'class.html');
    await page.locator('#similarity .sim-pairs tbody tr').first().waitFor();
    const rows = await page.$$eval('#similarity .sim-pairs tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const twins = rows.find((r) => r[1] === 'twin-a' && r[2] === 'twin-b');
    expect(twins?.[6]).toMatch(/same wrong answers/);
    await page.locator('#similarity a.to-row', { hasText: 'twin-b' }).first().click();
    const flashed = await page.$$eval('.mrow.row-flash button.who', (els) => els.map((e) => e.textContent));
    expect(flashed).toEqual(['twin-b']);
    await page.locator('#similarity tr', { hasText: 'twin-a' }).locator('button.compare').click();
    await expect(page.locator('#sim-view .sim-behaviour li').count()).resolves.toBeGreaterThanOrEqual(2);
    expect(requests).toEqual([requests[0]]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the similarity page of the fixture class', () => {
  let classReport: SimilarityReport;
  beforeAll(async () => {
    const names = ['ind-switch', 'copy-switch-combined', 'ind-python', 'partial-routing', 'ind-regex', 'partial-moved', 'ind-class'];
    classReport = await compareSubmissions(names.map((name) => ({ name, sourcePath: join(CLASS_DIR, name) })));
  });

  test('ranks pairs with both scores, moves the threshold, recomputes clusters', async () => {
    const { page, requests, errors } = await open(renderSimilarityPage(classReport), 'similarity.html');
    const firstRow = await page.$$eval('.sim-pairs tbody tr:first-child td', (tds) => tds.map((td) => td.textContent ?? ''));
    expect([firstRow[1], firstRow[2]].sort()).toEqual(['ind-regex', 'partial-moved']);
    expect(firstRow[3]).toMatch(/%/);
    expect(Number(firstRow[4])).toBeGreaterThan(100);
    const count = (): Promise<number> => page.locator('.sim-pairs tbody tr').count();
    const atDefault = await count();
    expect(atDefault).toBe(classReport.pairs.filter((p) => p.suspicion >= classReport.threshold).length);
    const clusters = async (): Promise<string[]> => page.$$eval('.sim-clusters li', (lis) => lis.map((li) => li.textContent ?? ''));
    expect(await clusters()).toContain('2: ind-regex, partial-moved');
    await page.locator('#sim-threshold').fill('0.9');
    expect(await count()).toBeLessThan(atDefault);
    expect(await count()).toBe(classReport.pairs.filter((p) => p.suspicion >= 0.9).length);
    await page.locator('#sim-threshold').fill('0');
    expect(await count()).toBe(classReport.pairs.length);
    expect(requests).toEqual([requests[0]]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('shows two submissions side by side, shared fragments highlighted and linked on both sides', async () => {
    const { page, errors } = await open(renderSimilarityPage(classReport), 'similarity-2.html');
    await page.locator('.sim-pairs tr', { hasText: 'partial-routing' }).locator('button.compare').first().click();
    const sides = page.locator('#sim-view .sim-side');
    expect(await sides.count()).toBe(2);
    const shared = await sides.evaluateAll((els) => els.map((el) => el.querySelectorAll('.ln.shared').length));
    expect(shared.every((n) => n > 3)).toBe(true);
    const fragments = page.locator('#sim-view .sim-frags button');
    expect(await fragments.count()).toBeGreaterThan(0);
    await fragments.first().click();
    const current = await sides.evaluateAll((els) => els.map((el) => [...el.querySelectorAll(".ln.current")].map((l) => l.getAttribute("data-frag"))));
    expect(current[0]!.length).toBeGreaterThan(0);
    expect(current[1]!.length).toBeGreaterThan(0);
    expect(new Set([...current[0]!, ...current[1]!])).toEqual(new Set(['0']));
    // Clicking a shared line on one side shows its fragment on both.
    const last = await fragments.count();
    if (last > 1) {
      await fragments.nth(1).click();
      const now = await sides.evaluateAll((els) => els.map((el) => el.querySelectorAll('.ln.current[data-frag="1"]').length));
      expect(now.every((n) => n > 0)).toBe(true);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
