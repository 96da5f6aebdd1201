import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { guardFormula, renderCsv } from '../../grader/reports/csv.ts';
import { earned } from '../../grader/reports/shared.ts';
import { fullMarks, loadError, SAMPLE_SPECS, sampleRun } from './sample-run.ts';

function rows(csv: string): string[][] {
  return parse(csv, { relax_column_count: false }) as string[][];
}

describe('renderCsv', () => {
  const run = sampleRun();
  const csv = renderCsv(run);
  const [header = [], ...body] = rows(csv);

  it('has one row per submission and a header', () => {
    expect(body).toHaveLength(run.submissions.length);
  });

  it('has stable columns: fixed ones, tiers, then one per test id in suite order', () => {
    expect(header.slice(0, 9)).toEqual(['name', 'status', 'detail', 'score', 'max', 'tier_core', 'tier_2', 'tier_3', 'richardson']);
    expect(header.slice(9)).toEqual(SAMPLE_SPECS.map((s) => s.id));
    // Same columns whatever the order of submissions, even when the first one has no tests.
    const reversed = rows(renderCsv(sampleRun([loadError(), ...run.submissions.slice().reverse()])))[0];
    expect(reversed).toEqual(header);
  });

  it('uses CRLF line endings (RFC 4180)', () => {
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')[0]).toBe(header.join(','));
  });

  it('quotes names with commas, quotes and newlines, and reads them back', () => {
    const names = body.map((r) => r[0]);
    expect(names).toContain('bob, "the builder"');
    expect(names).toContain('carol\nmulti-line; "quoted", name');
    expect(names).toContain('Zoë <&> Ünïcode ✓');
    expect(csv).toContain('"bob, ""the builder"""');
  });

  it('guards cells a spreadsheet would run as a formula', () => {
    const evil = body.find((r) => r[0]?.includes('HYPERLINK'));
    expect(evil?.[0]).toBe("'=HYPERLINK(\"http://x\")+1,'evil'");
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(guardFormula(text).startsWith("'")).toBe(true);
    expect(guardFormula('alice')).toBe('alice');
    for (const row of body) for (const cell of [row[0], row[2]]) expect(cell ?? '').not.toMatch(/^[=+\-@]/);
  });

  it('has points per test summed over servers, and totals that match', () => {
    run.submissions.forEach((sub, i) => {
      const row = body[i] ?? [];
      expect(row[1]).toBe(sub.status);
      expect(Number(row[3])).toBeCloseTo(sub.score);
      expect(Number(row[4])).toBe(sub.maxScore);
      const perTest = row.slice(9).map(Number);
      for (const [j, id] of SAMPLE_SPECS.map((s) => s.id).entries()) {
        const test = sub.tests.find((t) => t.id === id);
        expect(perTest[j]).toBeCloseTo(test ? earned(test) : 0);
      }
      expect(perTest.reduce((a, b) => a + b, 0)).toBeCloseTo(sub.score);
    });
  });

  it('gives half points for a test passed on one server only', () => {
    const carol = body.find((r) => r[0]?.startsWith('carol'));
    const col = header.indexOf('core.body.empty-content-length');
    expect(carol?.[col]).toBe('1');
  });

  it('writes a load error with its detail and zeros', () => {
    const bob = body.find((r) => r[0]?.startsWith('bob'));
    expect(bob?.[1]).toBe('load-error');
    expect(bob?.[2]).toContain('app.ts:12:5');
    expect(bob?.slice(9).every((c) => c === '0')).toBe(true);
  });

  it('renders a single submission too', () => {
    const [h, r] = rows(renderCsv(sampleRun([fullMarks()])));
    expect(h?.length).toBe(r?.length);
    expect(r?.[3]).toBe('14');
  });
});
