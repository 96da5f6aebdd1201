import { describe, expect, it } from 'vitest';
import type { ClassroomResult } from '../../grader/reports/classroom.ts';
import { renderClassroom } from '../../grader/reports/classroom.ts';
import { outcomesOf } from '../../grader/reports/shared.ts';
import { crashed, fullMarks, loadError, loadErrorWithTests, portability, sampleRun, starterLike, timedOut } from './sample-run.ts';

const STATUSES = ['pass', 'fail', 'error'];

/** The runner result autograding-grading-reporter decodes (base64 JSON), checked as parsed JSON. */
function checkSchema(value: unknown): string[] {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null) return ['not an object'];
  const r = value as Record<string, unknown>;
  if (r.version !== 1) problems.push('version');
  if (!STATUSES.includes(String(r.status))) problems.push('status');
  if (typeof r.max_score !== 'number') problems.push('max_score');
  if (!Array.isArray(r.tests) || r.tests.length === 0) return [...problems, 'tests'];
  for (const [i, t] of (r.tests as unknown[]).entries()) {
    const test = t as Record<string, unknown>;
    if (typeof test.name !== 'string' || test.name === '') problems.push(`tests[${i}].name`);
    if (!STATUSES.includes(String(test.status))) problems.push(`tests[${i}].status`);
    if (typeof test.score !== 'number') problems.push(`tests[${i}].score`);
    if (typeof test.message !== 'string') problems.push(`tests[${i}].message`);
    for (const key of ['test_code', 'filename'] as const) if (test[key] !== undefined && typeof test[key] !== 'string') problems.push(`tests[${i}].${key}`);
    for (const key of ['line_no', 'duration'] as const) if (test[key] !== undefined && typeof test[key] !== 'number') problems.push(`tests[${i}].${key}`);
  }
  return problems;
}

/** What the reporter does: base64 of the JSON, decoded back. */
function viaBase64(r: ClassroomResult): unknown {
  const encoded = Buffer.from(JSON.stringify(r), 'utf8').toString('base64');
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
}

describe('renderClassroom', () => {
  const run = sampleRun();

  it('produces a valid runner result for every kind of submission', () => {
    for (const sub of run.submissions) expect(checkSchema(viaBase64(renderClassroom(sub, run))), sub.name).toEqual([]);
  });

  it('gives partial credit test by test: the scores sum to the submission score', () => {
    for (const sub of [fullMarks(), starterLike(), portability(), timedOut(), crashed()]) {
      const r = renderClassroom(sub, run);
      expect(r.max_score).toBe(sub.maxScore);
      expect(r.tests.reduce((n, t) => n + t.score, 0)).toBeCloseTo(sub.score);
      expect(r.tests).toHaveLength(sub.tests.reduce((n, t) => n + outcomesOf(t).length, 0));
    }
  });

  it('passes only when every test passes', () => {
    expect(renderClassroom(fullMarks(), run).status).toBe('pass');
    expect(renderClassroom(portability(), run).status).toBe('fail');
    expect(renderClassroom(starterLike(), run).status).toBe('fail');
  });

  it('reports a load error as an error, with the file and line', () => {
    const r = renderClassroom(loadError(), run);
    expect(r.status).toBe('error');
    expect(r.tests).toEqual([expect.objectContaining({ status: 'error', score: 0, filename: 'app.ts', line_no: 12 })]);
    expect(r.tests[0]?.message).toContain("Expected ';'");
  });

  it('marks tests left without an answer (crash, timeout) as errors', () => {
    const r = renderClassroom(timedOut(), run);
    expect(r.tests.some((t) => t.status === 'error')).toBe(true);
    expect(r.tests.filter((t) => t.status === 'pass')).toHaveLength(4);
  });

  it('names tests "<title> [server]" uniquely, with curl as test code and the explanation as message', () => {
    const r = renderClassroom(starterLike(), run);
    expect(new Set(r.tests.map((t) => t.name)).size).toBe(r.tests.length);
    expect(r.tests[0]?.name).toMatch(/ \[simple\]$/);
    expect(r.tests[0]?.test_code).toContain('curl -i -X GET');
    expect(renderClassroom(fullMarks(), run).tests.every((t) => t.test_code === undefined)).toBe(true);
    expect(r.tests[0]?.message).toContain('expected: status 200');
    const carol = renderClassroom(portability(), run);
    expect(carol.tests.find((t) => t.name.startsWith('POST with an empty body') && t.name.endsWith('[socket]'))?.message)
      .toContain('CONTENT_LENGTH: "" (simple) vs absent (socket)');
  });

  it('caps long messages', () => {
    const r = renderClassroom(crashed(), run);
    expect(r.tests[0]?.message.length).toBeLessThan(6000);
  });
});

describe('renderClassroom size', () => {
  it('stays small enough to pass through one environment variable, base64-encoded', () => {
    // A big class of tests, every one failing with a long body.
    const sub = crashed();
    const template = sub.tests[0];
    if (!template) throw new Error('sample has no tests');
    sub.tests = Array.from({ length: 120 }, (_, i) => ({ ...template, id: `t${i}`, title: `Test number ${i}` }));
    const r = renderClassroom(sub, sampleRun([sub]));
    expect(r.tests).toHaveLength(240);
    // As the grader writes it: indented.
    expect(Buffer.from(JSON.stringify(r, null, 2)).toString('base64').length).toBeLessThan(100 * 1024);
    for (const t of r.tests) expect(t.message.length).toBeGreaterThan(0);
  });
});

describe('renderClassroom, a load error reported with its tests', () => {
  it('is an error result whose tests are errors', () => {
    const sub = loadErrorWithTests();
    const r = renderClassroom(sub, sampleRun([sub]));
    expect(checkSchema(viaBase64(r))).toEqual([]);
    expect(r.status).toBe('error');
    expect(r.tests.every((t) => t.status === 'error')).toBe(true);
  });
});
