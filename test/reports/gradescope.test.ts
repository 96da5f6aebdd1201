import { describe, expect, it } from 'vitest';
import type { GradescopeResults } from '../../grader/reports/gradescope.ts';
import { gradescopeFallback, renderGradescope } from '../../grader/reports/gradescope.ts';
import { outcomesOf } from '../../grader/reports/shared.ts';
import { crashed, fullMarks, loadError, loadErrorWithTests, portability, sampleRun, starterLike, timedOut } from './sample-run.ts';

const VISIBILITIES = ['hidden', 'after_due_date', 'after_published', 'visible'];

/** The fields Gradescope's results.json takes, checked from parsed JSON (what Gradescope reads). */
function checkSchema(value: unknown): string[] {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null) return ['not an object'];
  const r = value as Record<string, unknown>;
  if (typeof r.score !== 'number' || !Number.isFinite(r.score)) problems.push('score');
  if (typeof r.execution_time !== 'number') problems.push('execution_time');
  if (typeof r.output !== 'string') problems.push('output');
  if (!['text', 'html', 'simple_format', 'md', 'ansi'].includes(String(r.output_format))) problems.push('output_format');
  if (!VISIBILITIES.includes(String(r.visibility))) problems.push('visibility');
  if (r.stdout_visibility !== 'hidden') problems.push('stdout_visibility');
  if (!Array.isArray(r.tests)) return [...problems, 'tests'];
  for (const [i, t] of (r.tests as unknown[]).entries()) {
    const test = t as Record<string, unknown>;
    if (typeof test.name !== 'string' || test.name === '') problems.push(`tests[${i}].name`);
    if (typeof test.score !== 'number') problems.push(`tests[${i}].score`);
    if (typeof test.max_score !== 'number') problems.push(`tests[${i}].max_score`);
    // Optional: a test skipped on this machine has none.
    if (test.status !== undefined && test.status !== 'passed' && test.status !== 'failed') problems.push(`tests[${i}].status`);
    if (typeof test.output !== 'string') problems.push(`tests[${i}].output`);
    if (!VISIBILITIES.includes(String(test.visibility))) problems.push(`tests[${i}].visibility`);
    if (!Array.isArray(test.tags)) problems.push(`tests[${i}].tags`);
    if (typeof test.score === 'number' && typeof test.max_score === 'number' && test.score > test.max_score) problems.push(`tests[${i}] score > max`);
  }
  return problems;
}

function roundTrip(r: GradescopeResults): unknown {
  return JSON.parse(JSON.stringify(r));
}

describe('renderGradescope', () => {
  const run = sampleRun();

  it('produces a valid results.json for every kind of submission', () => {
    for (const sub of run.submissions) expect(checkSchema(roundTrip(renderGradescope(sub, run))), sub.name).toEqual([]);
    expect(checkSchema(roundTrip(gradescopeFallback('grader crashed')))).toEqual([]);
  });

  it('has one entry per test per server, named "<title> [server]", numbered by test id, tagged by tier', () => {
    const sub = portability();
    const r = renderGradescope(sub, run);
    expect(r.tests).toHaveLength(sub.tests.reduce((n, t) => n + outcomesOf(t).length, 0));
    expect(r.tests[0]?.name).toBe(`${sub.tests[0]?.title} [simple]`);
    expect(r.tests[1]?.name).toBe(`${sub.tests[0]?.title} [socket]`);
    expect(r.tests[0]?.number).toBe(sub.tests[0]?.id);
    expect(r.tests[0]?.tags).toEqual(['core']);
    expect(new Set(r.tests.map((t) => t.name)).size).toBe(r.tests.length);
  });

  it('scores add up to the submission score', () => {
    for (const sub of [fullMarks(), starterLike(), portability(), timedOut(), crashed()]) {
      const r = renderGradescope(sub, run);
      expect(r.score).toBeCloseTo(sub.score);
      expect(r.tests.reduce((n, t) => n + t.score, 0)).toBeCloseTo(sub.score);
      expect(r.tests.reduce((n, t) => n + t.max_score, 0)).toBeCloseTo(sub.maxScore);
    }
  });

  it('keeps hidden tests out of sight until grades are published (or always, when asked)', () => {
    const r = renderGradescope(fullMarks(), run);
    const hidden = r.tests.filter((t) => t.name.startsWith('GET with If-None-Match'));
    expect(hidden.map((t) => t.visibility)).toEqual(['after_published', 'after_published']);
    expect(r.tests.find((t) => t.name.startsWith('GET /todos answers'))?.visibility).toBe('visible');
    const strict = renderGradescope(fullMarks(), run, { hiddenVisibility: 'hidden' });
    expect(strict.tests.filter((t) => t.visibility === 'hidden')).toHaveLength(4);
  });

  it('explains a failure in the test output: message, expected, why, hint, exchange, replay', () => {
    const r = renderGradescope(starterLike(), run);
    const out = r.tests[0]?.output ?? '';
    expect(r.tests[0]?.status).toBe('failed');
    expect(out).toContain('Expected status 200, got 501');
    expect(out).toContain('expected: status 200');
    expect(out).toContain('hint: Start with GET /todos');
    expect(out).toContain('501 Not Implemented');
    expect(out).toContain("curl -i -X GET 'http://127.0.0.1:8000/todos'");
    expect(r.output).toContain('Where to start');
  });

  it('gives the portability verdict and the environ difference', () => {
    const r = renderGradescope(portability(), run);
    expect(r.output).toContain('2 tests pass on one server only');
    expect(r.output).toContain('CONTENT\\_LENGTH: "" (simple) vs absent (socket)');
    expect(renderGradescope(fullMarks(), run).output).toContain('same results on both servers');
  });

  it('reports a load error with score 0 and the reason, in output and as a test', () => {
    const r = renderGradescope(loadError(), run);
    expect(r.score).toBe(0);
    expect(r.output).toContain("app.ts:12:5: Expected ';'");
    expect(r.tests).toHaveLength(1);
    expect(r.tests[0]?.status).toBe('failed');
    expect(r.tests[0]?.output).toContain("app.ts:12:5: Expected ';'");
  });

  it('never includes what the submission printed', () => {
    const sub = crashed();
    sub.output.stdout = 'SCORE: 100/100 all tests passed';
    sub.output.stderr = 'SECRET-STDERR';
    const text = JSON.stringify(renderGradescope(sub, run));
    expect(text).not.toContain('SCORE: 100/100');
    expect(text).not.toContain('SECRET-STDERR');
  });

  it('caps a runaway body in a test output', () => {
    const r = renderGradescope(crashed(), run);
    const out = r.tests[0]?.output ?? '';
    expect(out.length).toBeLessThan(10_000);
    expect(out).toMatch(/truncated/);
  });

  it('fences app text so it is not read as Markdown', () => {
    const sub = starterLike();
    const outcome = sub.tests[0]?.outcomes.simple;
    const ex = outcome?.transcript[0];
    if (ex?.response) ex.response.body = '```\n# not a heading\n```';
    const out = renderGradescope(sub, run).tests[0]?.output ?? '';
    expect(out).toContain('````text');
  });
});

describe('renderGradescope, a load error reported with its tests', () => {
  it('gives score 0, the reason in the output, and a valid test list', () => {
    const sub = loadErrorWithTests();
    const r = renderGradescope(sub, sampleRun([sub]));
    expect(checkSchema(roundTrip(r))).toEqual([]);
    expect(r.score).toBe(0);
    expect(r.output).toContain('Could not load the submission');
    expect(r.tests.every((t) => t.status === 'failed' && t.score === 0)).toBe(true);
  });
});
