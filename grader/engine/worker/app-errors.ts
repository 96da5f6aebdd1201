/**
 * Errors the app raised (or contract violations the validator found) during
 * a test explain its failure better than the status code they caused: a 500
 * caused by a WsgiViolation shows the violation, its code and its fix next to
 * "expected 201, got 500". A test's own message is kept, never replaced.
 */
import type { Failure } from '../../results/types.ts';
import type { ObservedError } from '../../suite/runtime/context.ts';

/** A WsgiViolation's message is "<problem> — <rule> Fix: …": the problem alone makes the headline. */
function problemOf(message: string, rule: string | undefined): string {
  if (rule === undefined) return message;
  const at = message.indexOf(` — ${rule}`);
  return at > 0 ? message.slice(0, at) : message;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

export function explainWithAppErrors(failure: Failure | undefined, errors: readonly ObservedError[]): Failure | undefined {
  const violation = errors.find((e) => e.error.code !== undefined);
  if (violation !== undefined) {
    const { error } = violation;
    const problem = firstLine(problemOf(error.message, error.rule));
    const attached = { code: error.code ?? '', section: error.section ?? '', fix: error.fix ?? '' };
    // A broken contract fails the test even when the response looked right: the violation is the headline.
    if (failure === undefined) {
      return {
        message: problem,
        why: error.rule ?? 'PEP 3333: the application side of the contract',
        hint: error.fix ?? '',
        violation: attached,
      };
    }
    // The test failed with its own message (a property test's "after N requests, …" and how to reproduce it):
    // keep it, its expected/actual and hint, and attach the violation (its problem, rule, code and fix) rather
    // than replace them. The broken rule is the root cause: it is the why.
    return {
      ...failure,
      message: `${failure.message} — the app broke the WSGI contract: ${problem}`,
      why: error.rule ?? failure.why ?? 'PEP 3333: the application side of the contract',
      hint: failure.hint ?? error.fix ?? '',
      violation: attached,
    };
  }
  if (failure === undefined) return undefined;
  // The failing assertion is usually about the last response: its error explains it best.
  const raised = errors.at(-1);
  if (raised === undefined || failure.violation !== undefined) return failure;
  return { ...failure, message: `${failure.message} — the app raised ${firstLine(raised.error.message)}` };
}
