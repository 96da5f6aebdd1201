/**
 * The grade command's options for where grades go: --github, --roster,
 * --gradebook SYSTEM FILE, --points, --assignment, --baseline. --gradebook
 * takes two words, which node:util parseArgs cannot express, so its words
 * are taken out of argv before the rest is parsed.
 */
import { UsageError } from '../engine/options.ts';
import { orList } from './command-line.ts';

export const GRADEBOOK_SYSTEMS = ['canvas', 'moodle'] as const;
export type GradebookSystem = (typeof GRADEBOOK_SYSTEMS)[number];

export interface GradebookTarget {
  system: GradebookSystem;
  file: string;
}

export interface LmsArgs {
  /** --github: job summary, annotations and step outputs for GitHub Actions. */
  github: boolean;
  roster?: string;
  gradebooks: GradebookTarget[];
  /** Points possible on the LMS assignment (default: the grader's maximum). */
  points?: number;
  /** The LMS assignment's column name (default "todo-wsgi"). */
  assignment?: string;
  baseline?: string;
}

export const LMS_OPTIONS = {
  github: { type: 'boolean' },
  roster: { type: 'string' },
  points: { type: 'string' },
  assignment: { type: 'string' },
  baseline: { type: 'string' },
} as const;

export const LMS_HELP = `Grades elsewhere:
  --github                in GitHub Actions: job summary, one annotation per failing test, step outputs
  --roster FILE           CSV: submission,name,id,email[,sis_user_id,sis_login_id,section]
  --gradebook canvas|moodle FILE
                          the LMS's grade import CSV (needs --roster; repeatable)
  --points N              points possible on the LMS assignment (default: the grader's maximum)
  --assignment NAME       the assignment's column, e.g. "Exercise 1 (4321)" (default: todo-wsgi)
  --baseline FILE         compare with an earlier --json result: whose score changed, and why`;

const USAGE = `--gradebook ${GRADEBOOK_SYSTEMS.join('|')} FILE`;

/** Removes every `--gradebook SYSTEM FILE` (or `--gradebook=SYSTEM FILE`) from argv. */
export function takeGradebooks(argv: readonly string[]): { rest: string[]; gradebooks: GradebookTarget[] } {
  const rest: string[] = [];
  const gradebooks: GradebookTarget[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (word !== '--gradebook' && !word.startsWith('--gradebook=')) {
      rest.push(word);
      continue;
    }
    const system = word.includes('=') ? word.slice(word.indexOf('=') + 1) : argv[++i];
    if (system === undefined || system === '' || system.startsWith('-')) throw new UsageError(`--gradebook needs a system and a file: ${USAGE}`);
    const known = GRADEBOOK_SYSTEMS.find((s) => s === system.toLowerCase());
    if (known === undefined) throw new UsageError(`--gradebook: unknown system "${system}" (use ${orList([...GRADEBOOK_SYSTEMS])})`);
    const file = argv[++i];
    if (file === undefined || file === '' || file.startsWith('-')) {
      throw new UsageError(`--gradebook ${known} needs a FILE to write (e.g. --gradebook ${known} grades-${known}.csv)`);
    }
    gradebooks.push({ system: known, file });
  }
  return { rest, gradebooks };
}

interface LmsValues {
  github?: boolean;
  roster?: string;
  points?: string;
  assignment?: string;
  baseline?: string;
}

export function lmsArgs(values: LmsValues, gradebooks: GradebookTarget[], watch: boolean): LmsArgs {
  const args: LmsArgs = { github: values.github === true, gradebooks };
  if (args.github && watch) throw new UsageError('--github grades once, for a workflow step; --watch grades again and again: choose one');
  if (values.roster !== undefined) args.roster = values.roster;
  if (values.baseline !== undefined) args.baseline = values.baseline;
  if (values.assignment !== undefined) args.assignment = values.assignment.trim();
  if (values.points !== undefined) {
    if (!/^\d+(?:\.\d+)?$/.test(values.points) || Number(values.points) <= 0) {
      throw new UsageError(`--points: expected a positive number of points, got "${values.points}"`);
    }
    args.points = Number(values.points);
  }
  for (const [option, given] of [['points', values.points], ['assignment', values.assignment]] as const) {
    if (given !== undefined && gradebooks.length === 0) throw new UsageError(`--${option} is for the gradebook: give ${USAGE} too`);
  }
  if (gradebooks.length > 0 && args.roster === undefined) {
    throw new UsageError('--gradebook needs --roster FILE: Canvas and Moodle find each student by id or e-mail, which the roster gives');
  }
  return args;
}
