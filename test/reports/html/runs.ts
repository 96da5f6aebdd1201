/**
 * Runs for the HTML page tests, on top of the shared sample builder: a hostile
 * transcript, and a class large enough to check the page stays usable.
 */
import type { GradeRun, SubmissionResult } from '../../../grader/results/types.ts';
import { SAMPLE_SPECS, fullMarks, sampleRun, starterLike, submission, testResult } from '../sample-run.ts';
import type { SampleSpec, Verdict } from '../sample-run.ts';

export const HOSTILE = '</script><img src=x onerror=alert(1)>\u2028<!--<script>alert(2)</script>&amp;';

/** A submission whose response body, failure message and name try to break out. */
export function hostile(name = '<img src=x onerror=alert(3)>'): SubmissionResult {
  const tests = SAMPLE_SPECS.map((s) =>
    s.id === 'core.create.status-201'
      ? testResult(s, { kind: 'status', status: 500, body: HOSTILE, failure: { message: `Crashed: ${HOSTILE}`, hint: HOSTILE } })
      : testResult(s, { kind: 'pass' }),
  );
  return submission(name, tests, { output: { stdout: HOSTILE, stderr: '', truncated: false } });
}

/** `count` variants of each sample spec: ~60 tests when count is 6. */
export function manySpecs(count: number): SampleSpec[] {
  return Array.from({ length: count }, (_, k) =>
    SAMPLE_SPECS.map((s) => ({ ...s, id: `${s.id}.v${k + 1}`, title: `${s.title} (variant ${k + 1})` })),
  ).flat();
}

/** A deterministic class of `students` submissions over the given specs. */
export function bigRun(students = 100, specs: SampleSpec[] = manySpecs(6)): GradeRun {
  const subs = Array.from({ length: students }, (_, i) => {
    const tests = specs.map((s, j) => {
      const h = (i * 31 + j * 17) % 23;
      const fail: Verdict = { kind: 'status', status: 501, body: '{"error":"not implemented"}' };
      if (h < 3) return testResult(s, { simple: { kind: 'pass' }, socket: fail });
      if (h < 9) return testResult(s, fail);
      if (h === 9) return testResult(s, { kind: 'skipped' });
      return testResult(s, { kind: 'pass' });
    });
    const maxScore = specs.reduce((n, s) => n + s.points, 0);
    return submission(`student-${String(i + 1).padStart(3, '0')}`, tests, { richardsonLevel: (i % 4) as 0 | 1 | 2 | 3, maxScore });
  });
  return sampleRun(subs);
}

export { fullMarks, starterLike };
