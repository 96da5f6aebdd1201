/**
 * One row per submission for a gradebook: RFC 4180 (CRLF, quotes doubled,
 * fields with , " CR LF quoted), a stable column order, and text cells
 * guarded against formula injection (a student names a folder "=cmd|...").
 */
import type { GradeRun, SubmissionResult, Tier } from '../results/types.ts';
import { earned, notGraded, round2, skippedEverywhere, tiersOf } from './shared.ts';

/** Characters a spreadsheet reads as the start of a formula (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Text from outside (names, details) with a leading ' when a spreadsheet would run it. */
export function guardFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRow(cells: readonly string[]): string {
  return cells.map(csvField).join(',');
}

/** Test ids in suite order: first appearance over the submissions, which all share the suite's order. */
export function testColumns(run: GradeRun): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const sub of run.submissions) {
    for (const test of sub.tests) {
      if (!seen.has(test.id)) {
        seen.add(test.id);
        ids.push(test.id);
      }
    }
  }
  return ids;
}

const num = (n: number): string => String(round2(n));

export function csvHeader(tiers: readonly Tier[], testIds: readonly string[]): string[] {
  return ['name', 'status', 'detail', 'score', 'max', ...tiers.map((t) => `tier_${t}`), 'richardson', ...testIds.map(guardFormula)];
}

/** A cell for what did not run on this machine: "skipped", not a 0 that reads as failed (and sums as nothing). */
const SKIPPED = 'skipped';

function tierCell(sub: SubmissionResult, tier: Tier): string {
  const tests = sub.tests.filter((t) => t.tier === tier);
  return tests.length > 0 && tests.every(skippedEverywhere) ? SKIPPED : num(sub.tiers[tier]?.score ?? 0);
}

function submissionRow(sub: SubmissionResult, tiers: readonly Tier[], testIds: readonly string[]): string[] {
  // Not graded (the grader's problem, said in status and detail): empty cells, never a 0 a gradebook would import.
  if (notGraded(sub)) {
    return [guardFormula(sub.name), sub.status, guardFormula(sub.statusDetail ?? ''), '', num(sub.maxScore), ...tiers.map(() => ''), '', ...testIds.map(() => '')];
  }
  const byId = new Map(sub.tests.map((t) => [t.id, t]));
  return [
    guardFormula(sub.name),
    sub.status,
    guardFormula(sub.statusDetail ?? ''),
    num(sub.score),
    num(sub.maxScore),
    ...tiers.map((t) => tierCell(sub, t)),
    String(sub.richardsonLevel),
    // A test the submission never reached (load error) earned nothing: 0, so the column sums.
    ...testIds.map((id) => {
      const test = byId.get(id);
      if (test && skippedEverywhere(test)) return SKIPPED;
      return num(test ? earned(test) : 0);
    }),
  ];
}

export function renderCsv(run: GradeRun): string {
  const tiers = tiersOf(run);
  const ids = testColumns(run);
  const rows = [csvHeader(tiers, ids), ...run.submissions.map((s) => submissionRow(s, tiers, ids))];
  return rows.map(csvRow).join('\r\n') + '\r\n';
}
