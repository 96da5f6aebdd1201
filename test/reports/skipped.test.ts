/**
 * A test skipped on this machine (level 4 on Node 20) neither passed nor
 * failed, in every report: never counted, listed or scored as a failure.
 */
import { parse } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderClassroom } from '../../grader/reports/classroom.ts';
import { renderCsv } from '../../grader/reports/csv.ts';
import { renderGradescope } from '../../grader/reports/gradescope.ts';
import { renderJson } from '../../grader/reports/json.ts';
import { renderJunit } from '../../grader/reports/junit.ts';
import { renderTerminal } from '../../grader/reports/terminal.ts';
import type { GradeRun } from '../../grader/results/types.ts';
import { pageSession } from './html/harness.ts';
import { fullMarks, LEVEL4_SPECS, NODE20_SKIP, node20Run, SAMPLE_SPECS, starterLike } from './sample-run.ts';

const LEVEL4_TITLES = LEVEL4_SPECS.map((s) => s.title);
const LEVEL4_IDS = LEVEL4_SPECS.map((s) => s.id);

describe('terminal', () => {
  it('never lists a skipped test among the tests most of the class failed', () => {
    const text = renderTerminal(node20Run(), { color: false });
    const section = text.slice(text.indexOf('Tests most of the class failed'));
    expect(section).not.toBe(text);
    for (const title of LEVEL4_TITLES) expect(section).not.toContain(title);
    // Counted out of the submissions the test ran for; the skipped ones are said once, as not run.
    expect(section).toMatch(/3\/4\s+POST with an empty body answers 400/);
    expect(section.replace(/\s+/g, ' ')).toContain(`2 tests not run on this machine: ${NODE20_SKIP}`);
  });

  it('says "none" when only skipped tests would have been listed', () => {
    const text = renderTerminal(node20Run([fullMarks('a'), fullMarks('b')]), { color: false });
    expect(text).toContain('none: every test passed for at least half the class');
    for (const title of LEVEL4_TITLES) expect(text).not.toContain(title);
  });

  it('shows one submission\'s skipped tier as not run, and still a full score as full', () => {
    const text = renderTerminal(node20Run([fullMarks()]), { color: false });
    expect(text.replace(/\s+/g, ' ')).toContain(`– not run: ${NODE20_SKIP}`);
    expect(text).toMatch(/total\s+14 \/ 14/);
    // Nothing to earn there is not a red 0 / 0 with an empty bar.
    expect(text).toMatch(/^ {2}level 4\s+–\s+not run$/m);
    expect(text).toMatch(/^ {2}on prefork\s+–\s+not run$/m);
    expect(text).not.toMatch(/✗/);
  });
});

describe('files', () => {
  const run: GradeRun = node20Run();

  it('JSON: skipped, with the reason, and no points lost', () => {
    const doc = JSON.parse(renderJson(run)) as GradeRun;
    for (const sub of doc.submissions) {
      for (const test of sub.tests.filter((t) => t.tier === '4')) {
        expect(test.outcomes.prefork).toMatchObject({ status: 'skipped', skipReason: NODE20_SKIP, score: 0, maxScore: 0 });
      }
    }
  });

  it('CSV: "skipped" cells, never a 0 that reads as failed', () => {
    const [header = [], ...body] = parse(renderCsv(run)) as string[][];
    for (const row of body) {
      expect(row[header.indexOf('tier_4')]).toBe('skipped');
      for (const id of LEVEL4_IDS) expect(row[header.indexOf(id)]).toBe('skipped');
    }
    // A test that ran and failed is still a 0.
    const starter = body.find((r) => r[0] === 'starter');
    expect(starter?.[header.indexOf(SAMPLE_SPECS[0]!.id)]).toBe('0');
  });

  it('JUnit: <skipped/> with the reason, not a failure or an error', () => {
    const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testsuite' || name === 'testcase' });
    const doc = parser.parse(renderJunit(run)) as { testsuites: { testsuite: Array<{ '@_name': string; '@_skipped': string; '@_failures': string; testcase: Array<Record<string, unknown>> }> } };
    const alice = doc.testsuites.testsuite.find((s) => s['@_name'] === 'alice');
    expect(alice?.['@_skipped']).toBe('2');
    expect(alice?.['@_failures']).toBe('0');
    const level4 = alice?.testcase.filter((c) => LEVEL4_TITLES.some((t) => String(c['@_name']).startsWith(t))) ?? [];
    expect(level4).toHaveLength(2);
    for (const c of level4) {
      expect(c).toHaveProperty('skipped');
      expect(c).not.toHaveProperty('failure');
      expect(c).not.toHaveProperty('error');
    }
  });

  it('Gradescope: a skipped test is not "failed"', () => {
    const results = renderGradescope(run.submissions[0]!, run);
    const level4 = results.tests.filter((t) => LEVEL4_IDS.includes(t.number));
    expect(level4).toHaveLength(2);
    for (const t of level4) {
      expect(t.status).toBeUndefined();
      expect(t.tags).toContain('skipped');
      expect(t.output).toContain('Skipped on prefork');
    }
    expect(results.tests.filter((t) => t.status === 'failed')).toEqual([]);
    expect(results.output).toContain('- level 4: not run');
    expect(results.output).toContain('- on prefork: not run');
  });

  it('Classroom: a full score with level 4 skipped passes, and no skipped test fails', () => {
    const full = renderClassroom(run.submissions[0]!, run);
    expect(full.status).toBe('pass');
    expect(full.tests.filter((t) => t.status !== 'pass')).toEqual([]);
    expect(full.tests.at(-1)).toMatchObject({ name: 'Not run on this machine (2 tests)', score: 0 });
    expect(full.tests.at(-1)?.message).toContain(NODE20_SKIP);
    const starter = renderClassroom(run.submissions[1]!, run);
    expect(starter.tests.filter((t) => t.status === 'fail')).toHaveLength(SAMPLE_SPECS.length * 2);
  });
});

describe('HTML page', () => {
  const pages = pageSession();

  it('shows skipped cells as skipped and leaves them out of pass rates', async () => {
    const run = node20Run([fullMarks(), starterLike()]);
    const opened = await pages.open(run);
    const { page } = opened;
    const columns = SAMPLE_SPECS.length + LEVEL4_SPECS.length;
    const rates = await page.$$eval('.rates .rate', (els) => els.map((e) => e.textContent));
    expect(rates).toHaveLength(columns);
    // Level 4's columns come last: no server run there, so no rate, not 0 %.
    expect(rates.slice(-2)).toEqual(['–', '–']);
    expect(rates[0]).toBe('50');
    const labels = await page.$$eval('.mbody .mrow button.sub', (els) => els.map((e) => e.getAttribute('aria-label') ?? e.title));
    const level4 = labels.filter((l) => LEVEL4_IDS.some((id) => l.includes(id)) || LEVEL4_TITLES.some((t) => l.includes(t)));
    expect(level4.length).toBeGreaterThan(0);
    for (const label of level4) expect(label).toMatch(/skipped/);
    // The submission's points: level 4 and prefork not run, not 0 / 0.
    await page.locator('.mbody .mrow button.who', { hasText: 'alice' }).click();
    const details = await page.locator('#detail').innerText();
    expect(details).toMatch(/Level 4 · state across processes\s+not run/);
    expect(details).toMatch(/on prefork\s+not run/);
    await page.keyboard.press('Escape');
    // Tier bands use the statement's names.
    expect(await page.$$eval('.groups .tier:not([hidden])', (els) => els.map((e) => e.textContent))).toEqual(['Core', 'Level 2', 'Level 3', 'Level 4']);
    expect(await page.locator('text=/Tier [23]/').count()).toBe(0);
    await page.close();
  });
});
