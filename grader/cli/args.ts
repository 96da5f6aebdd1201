/**
 * `npm run grade -- [paths…] [options]`: the command line, parsed and checked.
 * Every mistake is a UsageError with one line saying what to do instead.
 */
import type { Tier } from '../results/types.ts';
import { TIERS } from '../results/types.ts';
import { DEFAULTS, UsageError } from '../engine/options.ts';

export interface GradeArgs {
  paths: string[];
  tiers: Tier[];
  json?: string;
  gradescope?: string;
  classroom?: string;
  csv?: string;
  junit?: string;
  html?: string;
  testsDir?: string;
  jobs?: number;
  seed?: number;
  runs?: number;
  requestTimeoutMs?: number;
  startTimeoutMs?: number;
  submissionTimeoutMs?: number;
  watch: boolean;
  /** False with --no-color; undefined: decide from the terminal. */
  color?: boolean;
  verbose: boolean;
  help: boolean;
  typecheck: boolean;
}

export const DEFAULT_PATH = 'starter/app.ts';

export const HELP = `Grade WSGI to-do apps on both servers (simple, socket) and explain every test.

Usage: npm run grade -- [paths…] [options]

Paths (default: ${DEFAULT_PATH}):
  a .ts file, or a folder containing app.ts        one submission
  a folder without app.ts                          a class: each folder or .ts file in it

Options:
  --tier core|2|3|all     tiers to run, comma-separated (default: all)
  --tests DIR             also run the hidden suite files DIR/*.suite.ts
  --json FILE             write the whole run as JSON
  --csv FILE              one row per submission
  --junit FILE            JUnit XML
  --html FILE             a class report page
  --gradescope FILE|DIR   Gradescope results.json (a folder: one file per submission)
  --classroom FILE        GitHub Classroom autograding results
  --jobs N                submissions graded at once (default: number of CPUs)
  --seed N                seed of the property tests (default: ${DEFAULTS.seed})
  --runs N                random runs per property test (default: ${DEFAULTS.runs})
  --request-timeout MS    time limit per request (default: ${DEFAULTS.requestTimeoutMs})
  --start-timeout MS      time limit for an app process to start (default: ${DEFAULTS.startTimeoutMs})
  --timeout MS            time limit per submission (default: ${DEFAULTS.submissionTimeoutMs})
  --typecheck             type-check first: a type error is a load error (score 0)
  --watch                 grade again whenever the submission changes (one submission)
  --verbose               every failure in full
  --no-color              no colours (also: NO_COLOR=1)
  --help                  this text

Exit code: 0 every test passed, 1 some failed, 2 usage error or an app that cannot be loaded.`;

type ValueOption = 'tier' | 'tests' | 'json' | 'csv' | 'junit' | 'html' | 'gradescope' | 'classroom'
  | 'jobs' | 'seed' | 'runs' | 'request-timeout' | 'start-timeout' | 'timeout';
const VALUE_OPTIONS: ReadonlySet<string> = new Set<ValueOption>([
  'tier', 'tests', 'json', 'csv', 'junit', 'html', 'gradescope', 'classroom', 'jobs', 'seed', 'runs', 'request-timeout', 'start-timeout', 'timeout',
]);
const FLAGS: ReadonlySet<string> = new Set(['watch', 'no-color', 'verbose', 'help', 'typecheck']);

function parseTiers(value: string): Tier[] {
  const chosen = new Set<Tier>();
  for (const part of value.split(',').map((p) => p.trim().toLowerCase())) {
    if (part === 'all') TIERS.forEach((tier) => chosen.add(tier));
    else if ((TIERS as readonly string[]).includes(part)) chosen.add(part as Tier);
    else throw new UsageError(`--tier: unknown tier "${part}" (use core, 2, 3 or all)`);
  }
  return TIERS.filter((tier) => chosen.has(tier));
}

function parseCount(name: string, value: string, min: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${name}: expected a whole number ≥ ${min}, got "${value}"`);
  }
  return Number(value);
}

export function parseArgs(argv: readonly string[]): GradeArgs {
  const args: GradeArgs = { paths: [], tiers: [...TIERS], watch: false, verbose: false, help: false, typecheck: false };
  let onlyPaths = false;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (onlyPaths || !word.startsWith('--') || word === '--') {
      if (word === '--' && !onlyPaths) onlyPaths = true;
      else if (word.startsWith('-') && !onlyPaths && word !== '-') throw new UsageError(`unknown option ${word} (see --help)`);
      else args.paths.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = word.slice(2, eq === -1 ? undefined : eq);
    if (FLAGS.has(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      if (name === 'watch') args.watch = true;
      else if (name === 'no-color') args.color = false;
      else if (name === 'verbose') args.verbose = true;
      else if (name === 'typecheck') args.typecheck = true;
      else args.help = true;
      continue;
    }
    if (!VALUE_OPTIONS.has(name)) throw new UsageError(`unknown option --${name} (see --help)`);
    let value: string | undefined;
    if (eq !== -1) value = word.slice(eq + 1);
    else {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value (see --help)`);
    applyValue(args, name as ValueOption, value);
  }
  if (args.paths.length === 0) args.paths.push(DEFAULT_PATH);
  return args;
}

function applyValue(args: GradeArgs, name: ValueOption, value: string): void {
  switch (name) {
    case 'tier': args.tiers = parseTiers(value); break;
    case 'tests': args.testsDir = value; break;
    case 'json': args.json = value; break;
    case 'csv': args.csv = value; break;
    case 'junit': args.junit = value; break;
    case 'html': args.html = value; break;
    case 'gradescope': args.gradescope = value; break;
    case 'classroom': args.classroom = value; break;
    case 'jobs': args.jobs = parseCount(name, value, 1); break;
    case 'seed': args.seed = parseCount(name, value, 0); break;
    case 'runs': args.runs = parseCount(name, value, 1); break;
    case 'request-timeout': args.requestTimeoutMs = parseCount(name, value, 1); break;
    case 'start-timeout': args.startTimeoutMs = parseCount(name, value, 1); break;
    case 'timeout': args.submissionTimeoutMs = parseCount(name, value, 1); break;
  }
}
