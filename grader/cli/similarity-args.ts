/**
 * `npm run similarity -- paths… [options]`: the command line, parsed strictly
 * as `npm run grade`'s is. Every mistake is a UsageError with one line.
 */
import { UsageError } from '../engine/options.ts';
import { parseCommandLine } from './command-line.ts';

export interface SimilarityArgs {
  paths: string[];
  html?: string;
  csv?: string;
  json?: string;
  templates: string[];
  /** --threshold: where the page's threshold starts (0..1). */
  threshold?: number;
  color?: boolean;
  help: boolean;
  version: boolean;
}

export const SIMILARITY_HELP = `Compare submissions' code: which pairs share more than independent work explains.

Usage: npm run similarity -- <class folder | submissions…> [options]

Each entry of a class folder is one submission (a folder of .ts files, or one .ts file), as for
npm run grade. The statement's own code (starter/app.ts and the examples of starter/README.md)
counts for nothing; --template adds more such code (files or folders you handed out).

Reports:
  --html FILE             a page: pairs ranked, side-by-side view, clusters, a movable threshold
  --csv FILE              one row per pair: a,b,similarity,longest,suspicion,behaviour,behaviour_tests
  --json FILE             the whole report as JSON
  --template FILE|DIR     code every student was given (repeatable)
  --threshold N           where the threshold starts, 0 to 1 (default 0.15)
  --color, --no-color     colours on or off (default: on for a terminal)

  -h, --help              this text
  --version               the kit's version

Scores: similarity is the share of both submissions' fingerprints found in the other; longest is
the longest shared fragment in normalised tokens; pairs are ranked by the larger of similarity and
longest / a typical submission's length. They are evidence for a conversation, not a verdict.
npm run grade -- <class> --similarity adds the same section to the class report and the page,
with the grader's evidence beside it: pairs failing the same unusual tests with the same answers.`;

const OPTIONS = {
  html: { type: 'string' },
  csv: { type: 'string' },
  json: { type: 'string' },
  template: { type: 'string', multiple: true },
  threshold: { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

export function parseSimilarityArgs(argv: readonly string[]): SimilarityArgs {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, (message) => new UsageError(message));
  if (values.color === true && values['no-color'] === true) throw new UsageError('--color and --no-color: choose one');
  const args: SimilarityArgs = {
    paths: positionals,
    templates: values.template ?? [],
    help: values.help === true,
    version: values.version === true,
  };
  if (args.help || args.version) return args;
  if (positionals.length === 0) throw new UsageError('name the submissions to compare: npm run similarity -- submissions/ (see --help)');
  if (values.threshold !== undefined) {
    const n = Number(values.threshold);
    if (!/^\d*\.?\d+$/.test(values.threshold) || !(n >= 0 && n <= 1)) throw new UsageError(`--threshold: expected a number from 0 to 1, got "${values.threshold}"`);
    args.threshold = n;
  }
  if (values.html !== undefined) args.html = values.html;
  if (values.csv !== undefined) args.csv = values.csv;
  if (values.json !== undefined) args.json = values.json;
  if (values.color === true) args.color = true;
  if (values['no-color'] === true) args.color = false;
  return args;
}
