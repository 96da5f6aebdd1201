import { describe, expect, it } from 'vitest';
import type { GradeRun } from '../../grader/results/types.ts';
import { renderJson } from '../../grader/reports/json.ts';
import { byteLength } from '../../grader/reports/cap.ts';
import { crashed, sampleRun } from './sample-run.ts';

describe('renderJson', () => {
  it('round-trips a run whose strings fit the caps', () => {
    const run = sampleRun();
    // The crashed submission's stdout (70 000 bytes) is over the default string cap; drop it to compare whole.
    for (const sub of run.submissions) sub.output.stdout = sub.output.stdout.slice(0, 100);
    const parsed = JSON.parse(renderJson(run)) as GradeRun;
    expect(parsed).toEqual(run);
  });

  it('is pretty and ends with a newline', () => {
    const text = renderJson(sampleRun());
    expect(text).toMatch(/^\{\n {2}"tool": "todo-wsgi"/);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('truncates a runaway string rather than dropping it', () => {
    const run = sampleRun([crashed()]);
    const parsed = JSON.parse(renderJson(run, { maxStringBytes: 1000 })) as GradeRun;
    const sub = parsed.submissions[0];
    expect(sub?.output.stdout).toMatch(/^x{1000}… \[truncated 69000 bytes\]$/);
    expect(sub?.tests).toHaveLength(run.submissions[0]?.tests.length ?? -1);
  });

  it('enforces a cap on the whole document by cutting strings harder, keeping every entry', () => {
    const run = sampleRun();
    const full = renderJson(run);
    const max = Math.floor(byteLength(full) / 2);
    const capped = renderJson(run, { maxBytes: max });
    expect(byteLength(capped)).toBeLessThanOrEqual(max);
    const parsed = JSON.parse(capped) as GradeRun & { truncation?: { stringBytes: number } };
    expect(parsed.truncation?.stringBytes).toBeLessThan(64 * 1024);
    expect(parsed.submissions.map((s) => s.tests.length)).toEqual(run.submissions.map((s) => s.tests.length));
    expect(capped).toContain('[truncated');
  });

  it('then trims long transcripts to their last exchanges, then drops indentation', () => {
    const sub = crashed();
    const test = sub.tests[0];
    const outcome = test?.outcomes.simple;
    if (!outcome) throw new Error('sample has no simple outcome');
    const exchange = outcome.transcript[0];
    if (!exchange) throw new Error('sample has no exchange');
    const response = { status: 200, headers: [], body: 'b'.repeat(2000) };
    outcome.transcript = Array.from({ length: 400 }, (_, i) => ({ ...exchange, response, request: { ...exchange.request, target: `/todos/${i}` } }));
    const run = sampleRun([sub]);
    const capped = renderJson(run, { maxBytes: 20_000 });
    const parsed = JSON.parse(capped) as GradeRun & { truncation?: { transcriptsKeptLast?: number; compact?: boolean } };
    expect(parsed.truncation?.transcriptsKeptLast).toBeDefined();
    const kept = parsed.submissions[0]?.tests[0]?.outcomes.simple?.transcript ?? [];
    expect(kept.length).toBeGreaterThan(0);
    // The failing exchange is the last one: it is kept.
    expect(kept.at(-1)?.request.target).toBe('/todos/399');
    expect(parsed.submissions[0]?.tests).toHaveLength(sub.tests.length);
  });

  it('keeps every server\'s outcome when it trims transcripts, prefork\'s included', () => {
    const sub = crashed();
    const test = sub.tests[0];
    const outcome = test?.outcomes.simple;
    if (!test || !outcome) throw new Error('sample has no simple outcome');
    const exchange = outcome.transcript[0];
    if (!exchange) throw new Error('sample has no exchange');
    const response = { status: 200, headers: [], body: 'b'.repeat(2000) };
    const long = Array.from({ length: 400 }, (_, i) => ({ ...exchange, response, request: { ...exchange.request, target: `/todos/${i}` } }));
    test.outcomes = { prefork: { ...outcome, server: 'prefork', transcript: long } };
    const parsed = JSON.parse(renderJson(sampleRun([sub]), { maxBytes: 20_000 })) as GradeRun & { truncation?: { transcriptsKeptLast?: number } };
    expect(parsed.truncation?.transcriptsKeptLast).toBeDefined();
    expect(Object.keys(parsed.submissions[0]?.tests[0]?.outcomes ?? {})).toEqual(['prefork']);
    expect(parsed.submissions[0]?.tests[0]?.outcomes.prefork?.transcript.at(-1)?.request.target).toBe('/todos/399');
  });

  it('records no truncation when everything fits', () => {
    const parsed = JSON.parse(renderJson(sampleRun())) as Record<string, unknown>;
    expect(parsed.truncation).toBeUndefined();
  });
});
