/**
 * Every report on a real run with the third server: the reference solution
 * and an in-memory known-bad graded on a core test (simple and socket) and on
 * Level 4 (prefork only). Where Node has node:sqlite, level 4 runs and the
 * in-memory app fails it, naming its workers; where not, every report says
 * it was skipped and why. The HTML page is checked in headless Chromium.
 */
import { cpSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grade } from '../../grader/engine/index.ts';
import { renderCsv } from '../../grader/reports/csv.ts';
import { renderGradescope } from '../../grader/reports/gradescope.ts';
import { renderJunit } from '../../grader/reports/junit.ts';
import { renderSubmission } from '../../grader/reports/terminal-submission.ts';
import type { GradeRun, SubmissionResult } from '../../grader/results/types.ts';
import { materialize, MUTANTS } from '../fixtures/submissions/mutants.ts';
import { launchChromium } from './html/browser.ts';
import { openRun, PageFiles } from './html/harness.ts';

const SQLITE = process.getBuiltinModule('node:sqlite') !== undefined;
const CORE_TEST = 'core.create.status-201';
const SKIP_REASON = /level 4 needs node:sqlite, which Node 22\.13\+ has; this is Node v\d+/;

let dir: string;
let run: GradeRun;
let browser: Browser;
const files = new PageFiles();

function submission(name: string): SubmissionResult {
  const found = run.submissions.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no submission ${name}`);
  return found;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'todo-wsgi-prefork-run-'));
  // The reference solution as a student hands it in (the whole folder), and its in-memory known-bad.
  cpSync('solution', join(dir, 'class', 'reference'), { recursive: true });
  const mutant = MUTANTS.find((m) => m.name === 'bad-memory-only');
  if (mutant === undefined) throw new Error('no mutant bad-memory-only');
  await materialize(mutant, join(dir, 'class', mutant.name));
  run = await grade([join(dir, 'class')], { tiers: ['core', '4'], only: [CORE_TEST, 'l4.'] });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  files.remove();
  await rm(dir, { recursive: true, force: true });
});

describe('a run with level 4 on prefork', () => {
  it('grades level 4 on prefork only, every other test on simple and socket', () => {
    expect(run.options.servers).toEqual(['simple', 'socket', 'prefork']);
    for (const sub of run.submissions) {
      for (const test of sub.tests) {
        expect(Object.keys(test.outcomes).sort(), test.id).toEqual(test.tier === '4' ? ['prefork'] : ['simple', 'socket']);
      }
    }
    const bad = submission('bad-memory-only');
    const level4 = bad.tests.filter((t) => t.tier === '4');
    expect(level4).toHaveLength(5);
    for (const test of level4) expect(test.outcomes.prefork?.status).toBe(SQLITE ? 'failed' : 'skipped');
    expect(submission('reference').tests.every((t) => Object.values(t.outcomes).every((o) => o.status === (t.tier === '4' && !SQLITE ? 'skipped' : 'passed')))).toBe(true);
  });

  it('the terminal report names the workers and the rule, or says in one line why level 4 did not run', () => {
    const text = renderSubmission(submission('bad-memory-only'), run, { color: false, width: 100 });
    if (SQLITE) {
      // Which worker answered which request, with its pid (the terminal wraps the sentence).
      expect(text).toMatch(/Worker \d \(pid \d+\)\s+answered\s+request 1[\s\S]*worker \d \(pid \d+\)\s+answered\s+request 2/);
      expect(text).toContain('Statelessness (REST)');
      expect(text).toContain('npm run serve -- <app> --server prefork');
    } else {
      expect(text).toMatch(new RegExp(`^  – not run: ${SKIP_REASON.source}`, 'm'));
    }
  });

  it('Gradescope names the prefork tests and scores only what ran', () => {
    const results = renderGradescope(submission('bad-memory-only'), run);
    const prefork = results.tests.filter((t) => t.name.endsWith('[prefork]'));
    expect(prefork).toHaveLength(5);
    if (SQLITE) {
      for (const test of prefork) expect([test.score, test.max_score, test.status]).toEqual([0, 3, 'failed']);
    } else {
      for (const test of prefork) expect(test.output).toMatch(SKIP_REASON);
    }
    expect(results.score).toBe(submission('bad-memory-only').score);
  });

  it('JUnit has a testcase per test and server: failures, or skipped with the reason', () => {
    const xml = renderJunit(run);
    const cases = [...xml.matchAll(/<testcase [^>]*name="([^"]*\[prefork\])"[^>]*?(\/>|>[\s\S]*?<\/testcase>)/g)];
    expect(cases).toHaveLength(10);
    if (SQLITE) expect(cases.filter((c) => c[2]!.includes('<failure'))).toHaveLength(5);
    else expect(cases.every((c) => /<skipped message="[^"]*level 4 needs node:sqlite/.test(c[2]!))).toBe(true);
  });

  it('CSV has a column for every level 4 test and its tier', () => {
    const header = renderCsv(run).split('\r\n')[0]!;
    for (const id of ['l4.state.create-then-read', 'l4.state.survives-restart', CORE_TEST]) expect(header).toContain(id);
  });

  it('the HTML page has a prefork sub-cell per level 4 test: passed or failed (or skipped), and "not run" elsewhere', async () => {
    const opened = await openRun(browser, files, run);
    const { page } = opened;
    const labels = await page.$$eval('.mbody .mrow .sub', (els) => els.map((e) => e.getAttribute('title') ?? ''));
    const l4 = labels.filter((label) => label.startsWith('l4.state.create-then-read on '));
    // Two rows × three servers.
    expect(l4.sort()).toEqual([
      'l4.state.create-then-read on prefork: ' + (SQLITE ? 'failed' : 'skipped'),
      'l4.state.create-then-read on prefork: ' + (SQLITE ? 'passed' : 'skipped'),
      'l4.state.create-then-read on simple: not run',
      'l4.state.create-then-read on simple: not run',
      'l4.state.create-then-read on socket: not run',
      'l4.state.create-then-read on socket: not run',
    ].sort());
    expect(labels.filter((label) => label === `${CORE_TEST} on prefork: not run`)).toHaveLength(2);
    expect(opened.errors).toEqual([]);
    await page.close();
  });
});
