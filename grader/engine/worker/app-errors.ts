/**
 * Errors the app raised (or contract violations the validator found) during
 * a test explain its failure better than the status code they caused: a 500
 * caused by a WsgiViolation shows the violation, its rule and its fix rather
 * than just "expected 201, got 500".
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
    // A broken contract fails the test even when the response looked right.
    return {
      message: firstLine(problemOf(error.message, error.rule)),
      ...(failure?.expected === undefined ? {} : { expected: failure.expected }),
      ...(failure?.actual === undefined ? {} : { actual: failure.actual }),
      why: error.rule ?? failure?.why ?? 'PEP 3333: the application side of the contract',
      hint: error.fix ?? failure?.hint ?? '',
      violation: { code: error.code ?? '', section: error.section ?? '', fix: error.fix ?? '' },
    };
  }
  if (failure === undefined) return undefined;
  // The failing assertion is usually about the last response: its error explains it best.
  const raised = errors.at(-1);
  if (raised === undefined || failure.violation !== undefined) return failure;
  return { ...failure, message: `${failure.message} — the app raised ${firstLine(raised.error.message)}` };
}
