/**
 * Why an app process ended, in one line a student understands.
 */
import type { ExitInfo } from './types.ts';

export interface ExitFacts {
  code: number | null;
  signal: string | null;
  /** The grader ended it (kill()). */
  killedByGrader: boolean;
  /** The last bytes of its stderr. */
  stderrTail: string;
  memoryMb: number;
  /** Set when the app called process.exit(code). */
  exitCalled?: string;
  /** An uncaught error's one-line description, when the host saw one. */
  fatal?: string;
}

/** V8's last words when the heap limit is hit (wording differs across versions). */
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|Ineffective mark-compacts near heap limit|Fatal JavaScript out of memory/;

export function isOutOfMemory(facts: Pick<ExitFacts, 'stderrTail'>): boolean {
  return OUT_OF_MEMORY.test(facts.stderrTail);
}

export function exitReason(facts: ExitFacts): string {
  if (facts.killedByGrader) return 'the app process was stopped by the grader';
  if (isOutOfMemory(facts)) {
    return `the app ran out of memory (its heap is limited to ${facts.memoryMb} MB) — does something grow without bound?`;
  }
  if (facts.fatal !== undefined) return `the app process crashed on an uncaught error: ${facts.fatal}`;
  if (facts.exitCalled !== undefined) {
    return `the app called process.exit(${facts.exitCalled}) — an application must never end the server's process`;
  }
  if (facts.signal !== null) {
    const hint =
      facts.signal === 'SIGKILL'
        ? ' (killed from outside — the system may have run out of memory)'
        : facts.signal === 'SIGABRT'
          ? ' (process.abort() or a fatal error in Node — see its stderr)'
          : '';
    return `the app process was killed by signal ${facts.signal}${hint}`;
  }
  return `the app process exited with code ${facts.code ?? '?'} (process.exit() called? see its stderr)`;
}

export function exitInfo(facts: ExitFacts): ExitInfo {
  return { code: facts.code, signal: facts.signal, reason: exitReason(facts) };
}
