/**
 * `npm run grade -- [paths…] [options]`: the command line, parsed strictly
 * (node:util parseArgs) and checked. Every mistake is a UsageError with one
 * line saying what to do instead.
 */
import type { ServerName, Tier } from '../results/types.ts';
import { TIERS } from '../results/types.ts';
import { SERVER_NAMES } from '../servers/names.ts';
import { DEFAULTS, UsageError } from '../engine/options.ts';
import { parseCommandLine, orList } from './command-line.ts';
import type { LmsArgs } from './lms-args.ts';
import { LMS_HELP, LMS_OPTIONS, lmsArgs, takeGradebooks } from './lms-args.ts';

export interface GradeArgs extends LmsArgs {
  paths: string[];
  tiers: Tier[];
  /** --test: only the tests whose id starts with, or whose title contains, one of these. */
  only: string[];
  /** --server: only these servers (default: every server). */
  servers?: ServerName[];
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
  /** True with --color, false with --no-color; undefined: decide from the environment and terminal. */
  color?: boolean;
  verbose: boolean;
  help: boolean;
  version: boolean;
  typecheck: boolean;
  /** --similarity: compare the submissions' code too (class page and terminal summary). */
  similarity: boolean;
}

export const DEFAULT_PATH = 'starter/app.ts';

export const HELP = `Grade WSGI to-do apps on the kit's servers (${SERVER_NAMES.join(', ')}) and explain every test.

Usage: npm run grade -- [paths…] [options]

Paths (default: ${DEFAULT_PATH}):
  a .ts file, or a folder containing app.ts        one submission
  a folder without app.ts                          a class: each folder or .ts file in it

Choosing tests:
  --tier core|2|3|4|all   tiers to run, comma-separated (default: all; 4 runs on prefork)
  --test ID|TEXT          only tests whose id starts with ID or whose title contains TEXT
                          (repeatable; e.g. --test core.create, --test "empty list")
  --server ${SERVER_NAMES.join('|').padEnd(14)} only this server (repeatable; default: every server)
  --tests DIR             also run the hidden suite files DIR/*.suite.ts

Reports:
  --json FILE             write the whole run as JSON
  --csv FILE              one row per submission
  --junit FILE            JUnit XML
  --html FILE             a class report page
  --gradescope FILE|DIR   Gradescope results.json (a folder: one file per submission)
  --classroom FILE        GitHub Classroom runner results (deprecated: Classroom was retired; see --github)
  --similarity            compare the submissions' code too: a Similarity section in the class
                          summary and the --html page (npm run similarity does it alone)
  --verbose               every test listed, every failure in full
  --color, --no-color     colours on or off (default: on for a terminal; NO_COLOR, FORCE_COLOR
                          and TERM=dumb are obeyed)

${LMS_HELP}

Grading:
  --jobs N                submissions graded at once (default: number of CPUs)
  --seed N                seed of the property tests (default: ${DEFAULTS.seed})
  --runs N                random runs per property test (default: ${DEFAULTS.runs})
  --request-timeout MS    time limit per request (default: ${DEFAULTS.requestTimeoutMs})
  --start-timeout MS      time limit for an app process to start (default: ${DEFAULTS.startTimeoutMs})
  --timeout MS            time limit per submission (default: ${DEFAULTS.submissionTimeoutMs})
  --typecheck             type-check first: a type error is a load error (score 0)
  --watch                 grade again whenever the submission (or the --tests folder) changes

  -h, --help              this text
  --version               the kit's version

Exit code: 0 every test passed, 1 some failed, 2 usage error or an app that cannot be loaded.`;

const OPTIONS = {
  tier: { type: 'string', multiple: true },
  test: { type: 'string', multiple: true },
  server: { type: 'string', multiple: true },
  tests: { type: 'string' },
  json: { type: 'string' },
  csv: { type: 'string' },
  junit: { type: 'string' },
  html: { type: 'string' },
  gradescope: { type: 'string' },
  classroom: { type: 'string' },
  jobs: { type: 'string' },
  seed: { type: 'string' },
  runs: { type: 'string' },
  'request-timeout': { type: 'string' },
  'start-timeout': { type: 'string' },
  timeout: { type: 'string' },
  typecheck: { type: 'boolean' },
  similarity: { type: 'boolean' },
  watch: { type: 'boolean' },
  verbose: { type: 'boolean' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  ...LMS_OPTIONS,
} as const;

/** Comma-separated or repeated values, trimmed, lower-cased. */
function listOf(values: readonly string[]): string[] {
  return values.flatMap((value) => value.split(',')).map((part) => part.trim().toLowerCase()).filter((part) => part !== '');
}

function parseTiers(values: readonly string[]): Tier[] {
  const chosen = new Set<Tier>();
  for (const part of listOf(values)) {
    if (part === 'all') TIERS.forEach((tier) => chosen.add(tier));
    else if ((TIERS as readonly string[]).includes(part)) chosen.add(part as Tier);
    else throw new UsageError(`--tier: unknown tier "${part}" (use ${TIERS.join(', ')} or all)`);
  }
  return TIERS.filter((tier) => chosen.has(tier));
}

function parseServers(values: readonly string[]): ServerName[] {
  const chosen = new Set<ServerName>();
  for (const part of listOf(values)) {
    if (!(SERVER_NAMES as readonly string[]).includes(part)) {
      throw new UsageError(`--server: unknown server "${part}" (use ${orList(SERVER_NAMES)})`);
    }
    chosen.add(part as ServerName);
  }
  return SERVER_NAMES.filter((server) => chosen.has(server));
}

function parseCount(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${name}: expected a whole number ≥ ${min}, got "${value}"`);
  }
  return Number(value);
}

/** Set `key` only when defined: GradeArgs' optional fields stay absent rather than undefined. */
function put<K extends keyof GradeArgs>(args: GradeArgs, key: K, value: GradeArgs[K] | undefined): void {
  if (value !== undefined) args[key] = value;
}

export function parseArgs(argv: readonly string[]): GradeArgs {
  const { rest, gradebooks } = takeGradebooks(argv);
  const { values, positionals } = parseCommandLine(rest, OPTIONS, (message) => new UsageError(message));
  if (values.color === true && values['no-color'] === true) throw new UsageError('--color and --no-color: choose one');
  const only = (values.test ?? []).map((selector) => selector.trim());
  if (only.includes('')) throw new UsageError('--test needs a test id or part of a title (see --help)');
  const args: GradeArgs = {
    paths: positionals.length > 0 ? positionals : [DEFAULT_PATH],
    tiers: values.tier === undefined ? [...TIERS] : parseTiers(values.tier),
    only,
    watch: values.watch === true,
    verbose: values.verbose === true,
    help: values.help === true,
    version: values.version === true,
    typecheck: values.typecheck === true,
    ...lmsArgs(values, gradebooks, values.watch === true),
    similarity: values.similarity === true,
  };
  if (args.tiers.length === 0) throw new UsageError('--tier needs at least one tier (see --help)');
  if (values.server !== undefined) args.servers = parseServers(values.server);
  if (args.servers?.length === 0) throw new UsageError('--server needs a server name (see --help)');
  put(args, 'color', values.color === true ? true : values['no-color'] === true ? false : undefined);
  put(args, 'testsDir', values.tests);
  put(args, 'json', values.json);
  put(args, 'csv', values.csv);
  put(args, 'junit', values.junit);
  put(args, 'html', values.html);
  put(args, 'gradescope', values.gradescope);
  put(args, 'classroom', values.classroom);
  put(args, 'jobs', parseCount('jobs', values.jobs, 1));
  put(args, 'seed', parseCount('seed', values.seed, 0));
  put(args, 'runs', parseCount('runs', values.runs, 1));
  put(args, 'requestTimeoutMs', parseCount('request-timeout', values['request-timeout'], 1));
  put(args, 'startTimeoutMs', parseCount('start-timeout', values['start-timeout'], 1));
  put(args, 'submissionTimeoutMs', parseCount('timeout', values.timeout, 1));
  return args;
}
