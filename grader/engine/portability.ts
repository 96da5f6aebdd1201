/**
 * Where a test passed on one server and failed on the other, the environ is
 * the usual suspect: PEP 3333 lets servers differ (CONTENT_LENGTH "" or
 * absent, HTTP_* for headers with "_", ...). Name the keys that differed for
 * the test's requests.
 */
import type { Exchange, Portability, ServerName, TestResult } from '../results/types.ts';

/** Keys that differ between any two servers (ports) or are not CGI-style. */
function ignored(key: string): boolean {
  return key === 'SERVER_PORT' || key === 'HTTP_HOST' || key === 'REMOTE_PORT' || key.includes('.');
}

export function environDiff(a: readonly Exchange[], b: readonly Exchange[], servers: readonly [ServerName, ServerName]): Portability['environDiff'] {
  const [first, second] = servers;
  const diff: Portability['environDiff'] = [];
  const seen = new Set<string>();
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const left = a[i]?.environ;
    const right = b[i]?.environ;
    if (left === undefined || right === undefined) continue;
    for (const key of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()) {
      if (seen.has(key) || ignored(key) || left[key] === right[key]) continue;
      seen.add(key);
      diff.push({
        key,
        ...(left[key] === undefined ? {} : { [first]: left[key] }),
        ...(right[key] === undefined ? {} : { [second]: right[key] }),
      });
    }
  }
  // A key present on one server only is the usual culprit: list those first.
  const absentSomewhere = (entry: Portability['environDiff'][number]): number => (entry[first] === undefined || entry[second] === undefined ? 0 : 1);
  return diff.sort((x, y) => absentSomewhere(x) - absentSomewhere(y));
}

/**
 * Where a test ran on several servers (simple and socket; prefork too when a
 * suite names all three) and passed on some but not all: the first server it
 * passed on against the first it failed on.
 */
export function portabilityOf(test: Pick<TestResult, 'outcomes'>, servers: readonly ServerName[]): Portability | undefined {
  // A test that failed before sending anything (the app did not start) says nothing about the servers.
  const ran = servers.filter((server) => {
    const outcome = test.outcomes[server];
    return outcome !== undefined && outcome.status !== 'skipped' && outcome.transcript.length > 0;
  });
  const passedOn = ran.find((server) => test.outcomes[server]?.status === 'passed');
  const failedOn = ran.find((server) => test.outcomes[server]?.status === 'failed');
  if (passedOn === undefined || failedOn === undefined) return undefined;
  const pair: [ServerName, ServerName] = ran.indexOf(passedOn) < ran.indexOf(failedOn) ? [passedOn, failedOn] : [failedOn, passedOn];
  const [a, b] = pair.map((server) => test.outcomes[server]!.transcript);
  return { passedOn, failedOn, environDiff: environDiff(a!, b!, pair) };
}
