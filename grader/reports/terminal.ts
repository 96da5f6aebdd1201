/**
 * The terminal report: a single submission in full (terminal-submission.ts),
 * a class run as a compact table (terminal-class.ts). Readable at 80 columns;
 * no escape codes at all unless options.color.
 */
import type { GradeRun } from '../results/types.ts';
import { renderClass } from './terminal-class.ts';
import type { TerminalOptions } from './terminal-submission.ts';
import { renderSubmission } from './terminal-submission.ts';

export type { TerminalOptions };

export function renderTerminal(run: GradeRun, options: TerminalOptions): string {
  const only = run.submissions.length === 1 ? run.submissions[0] : undefined;
  return only ? renderSubmission(only, run, options) : renderClass(run, options);
}
