// The regrade diff on sample runs: score changes, flips each way, tests added and removed, submissions
// that came or went, a moved commit; the terminal and page sections built from it.
import { describe, expect, it } from 'vitest';
import { renderRegradeSection } from '../../grader/reports/html/regrade.ts';
import { baselineProblem, flipText, regradeDiff, testState } from '../../grader/reports/regrade.ts';
import { renderRegrade } from '../../grader/reports/terminal-regrade.ts';
import { fullMarks, portability, sampleRun, starterLike } from './sample-run.ts';

describe('regradeDiff', () => {
  const then = sampleRun([fullMarks('alice'), starterLike('bob'), portability('carol'), starterLike('gone')]);
  const alice = fullMarks('alice');
  // alice's first test now fails; carol unchanged; bob unchanged; a newcomer.
  for (const o of Object.values(alice.tests[0]!.outcomes)) Object.assign(o!, { status: 'failed', score: 0 });
  alice.score -= alice.tests[0]!.points;
  alice.commit = 'b'.repeat(40);
  const now = sampleRun([alice, starterLike('bob'), portability('carol'), fullMarks('new')]);
  const diff = regradeDiff(then, now);

  it('lists only the submissions whose score changed, with the change and the tests that flipped', () => {
    expect(diff.changed.map((c) => c.name)).toEqual(['alice']);
    expect(diff.changed[0]).toMatchObject({ before: 14, after: 12, delta: -2, commit: { after: 'b'.repeat(40) } });
    expect(diff.changed[0]!.flips).toEqual([{ id: alice.tests[0]!.id, title: alice.tests[0]!.title, from: 'passed', to: 'failed', delta: -2 }]);
    expect(diff.unchanged).toBe(2);
    expect(diff.newSubmissions).toEqual(['new']);
    expect(diff.goneSubmissions).toEqual(['gone']);
  });

  it('names tests added and removed since, and flips from and to "absent"', () => {
    const fewer = fullMarks('alice');
    const dropped = fewer.tests.pop()!;
    fewer.score -= dropped.points;
    const d = regradeDiff(sampleRun([fullMarks('alice')]), sampleRun([fewer]));
    expect(d.removed).toEqual([{ id: dropped.id, title: dropped.title }]);
    expect(d.added).toEqual([]);
    expect(d.changed[0]!.flips).toEqual([expect.objectContaining({ id: dropped.id, from: 'passed', to: 'absent' })]);
    expect(flipText(d.changed[0]!.flips[0]!)).toBe('removed since (passes then)');
    const back = regradeDiff(sampleRun([fewer]), sampleRun([fullMarks('alice')]));
    expect(back.added).toEqual([{ id: dropped.id, title: dropped.title }]);
    expect(flipText(back.changed[0]!.flips[0]!)).toBe('added since: passes');
  });

  it('tells a test passing on one server from one passing everywhere', () => {
    const carol = portability('carol');
    expect(carol.tests.map(testState)).toContain('partly');
    expect(testState(undefined)).toBe('absent');
  });

  it('is shown in the terminal and on the page, names escaped', () => {
    const text = renderRegrade(diff, { color: false });
    expect(text).toMatch(/^Regrade against the run of 2025-03-14 09:26 UTC: 1 of 3 submissions changed score/);
    expect(text).toMatch(/^ {2}alice\s+14\/14 → 12\/14\s+-2$/m);
    expect(text).toContain(`commit none → ${'b'.repeat(12)}`);
    expect(text).toContain('new submissions (not in the baseline): new');
    const evil = fullMarks('<img src=x onerror=alert(1)>');
    evil.score = 1;
    const html = renderRegradeSection(regradeDiff(sampleRun([fullMarks('<img src=x onerror=alert(1)>')]), sampleRun([evil])));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('baselineProblem', () => {
  it('accepts a JSON result and names what else is wrong', () => {
    expect(baselineProblem(JSON.parse(JSON.stringify(sampleRun())))).toBeUndefined();
    expect(baselineProblem({ version: 1, status: 'pass', tests: [] })).toBe('not a JSON result of this grader (write one with --json FILE)');
    expect(baselineProblem(null)).toMatch(/^not a JSON result/);
    expect(baselineProblem({ tool: 'todo-wsgi', submissions: [{ name: 'a' }] })).toMatch(/^submission 1 has no name, score or tests/);
  });
});
