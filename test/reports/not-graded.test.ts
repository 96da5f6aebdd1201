/**
 * A submission the grader could not grade (unreachable, grader-error) in the
 * class reports: no score shown as a grade, never counted in class figures.
 */
import { describe, expect, it } from 'vitest';
import { classStats } from '../../grader/reports/html/model.ts';
import { renderTerminal } from '../../grader/reports/terminal.ts';
import { pageSession } from './html/harness.ts';
import { fullMarks, sampleRun, starterLike, unreachableSub } from './sample-run.ts';

const run = sampleRun([fullMarks(), starterLike(), unreachableSub()]);

describe('terminal, class run', () => {
  const text = renderTerminal(run, { color: false });

  it('shows the status and no score in the table', () => {
    const row = text.split('\n').find((l) => l.startsWith('erin'));
    expect(row).toMatch(/^erin\s+unreachable\s+–\s/);
  });

  it('lists it as not graded, not the code\'s fault', () => {
    const section = text.slice(text.indexOf('Not fully graded')).replace(/\s+/g, ' ');
    expect(section).toContain('erin: Not graded: the grader could not connect to the app');
    expect(section).toContain('This is not a problem in the submitted code');
  });
});

describe('HTML page', () => {
  const pages = pageSession();

  it('shows a not-graded badge and no score, and leaves it out of the class figures', async () => {
    const opened = await pages.open(run);
    const { page } = opened;
    const erin = page.locator('.mbody .mrow', { hasText: 'erin' });
    expect(await erin.locator('.badge').textContent()).toBe('⚠ not graded: app unreachable');
    expect(await erin.locator('.score-text').textContent()).toBe('–');
    await erin.locator('button.who').click();
    expect(await page.locator('#detail').textContent()).toContain('none: not graded (not a problem in the submitted code)');
    expect(opened.errors).toEqual([]);
    await page.close();
    const stats = classStats(run);
    expect(stats.count).toBe(2);
    expect(stats.meanShare).toBeCloseTo(0.5);
  });
});
