/**
 * A broken rule of the contract, found by the validator (or by a server).
 *
 * The message teaches: what was wrong, the rule, and how to fix it, with the
 * PEP 3333 section the rule comes from, so a student can read it up.
 */
export class WsgiViolation extends Error {
  override readonly name = 'WsgiViolation';
  /** Stable identifier, e.g. "status-format"; tests and reports key on it. */
  readonly code: string;
  /** The rule, in one sentence. */
  readonly rule: string;
  /** What to change in the application (or server) to follow it. */
  readonly fix: string;
  /** The PEP 3333 heading the rule is found under, e.g. "The start_response() Callable". */
  readonly section: string;
  /** Which side broke the rule. */
  readonly side: 'application' | 'server';

  constructor(init: {
    code: string;
    problem: string;
    rule: string;
    fix: string;
    section: string;
    side?: 'application' | 'server';
  }) {
    super(`${init.problem} — ${init.rule} Fix: ${init.fix} (PEP 3333, "${init.section}") [${init.code}]`);
    this.code = init.code;
    this.rule = init.rule;
    this.fix = init.fix;
    this.section = init.section;
    this.side = init.side ?? 'application';
  }
}

export function isWsgiViolation(error: unknown): error is WsgiViolation {
  return error instanceof Error && error.name === 'WsgiViolation' && typeof (error as WsgiViolation).code === 'string';
}
