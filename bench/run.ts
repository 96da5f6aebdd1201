/**
 * `npm run bench [-- --only servers|grading|similarity|stress] [--seconds N] [--rounds N] [--class N] [--runs N]`
 *
 * Prints figures and ratios against baselines measured in the same run, on
 * the same (shared, noisy) machine. Benchmarks, not tests: nothing here fails
 * on a slow figure; it fails only when a target answers wrongly.
 */
import { parseArgs } from 'node:util';
import { benchGrading } from './grading.ts';
import { benchServers } from './servers.ts';
import { benchSimilarity } from './similarity.ts';
import { benchStress } from './stress.ts';

const USAGE = `usage: npm run bench -- [--only servers|grading|similarity|stress] [--seconds N] [--rounds N] [--class N] [--runs N]
  --only     run one section (default: servers, grading and similarity; stress only when named)
  --seconds  load duration per server and round (default 5)
  --rounds   rounds per measurement: servers print the best, grading the median (default 3)
  --class    submissions in the class-grading run (default 100)
  --runs     stress: how many times the known-good class is graded under load (default 20)`;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench: --${name} takes a whole number ≥ 1, got "${value}"`);
    process.exit(2);
  }
  return n;
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      only: { type: 'string' },
      seconds: { type: 'string' },
      rounds: { type: 'string' },
      class: { type: 'string' },
      runs: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`bench: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.only !== undefined && !['servers', 'grading', 'similarity', 'stress'].includes(values.only)) {
  console.error(`bench: --only takes "servers", "grading", "similarity" or "stress", got "${values.only}"`);
  process.exit(2);
}
const seconds = positive('seconds', values.seconds, 5);
const rounds = positive('rounds', values.rounds, 3);
const classSize = positive('class', values.class, 100);
const runs = positive('runs', values.runs, 20);

console.log(`todo-wsgi benchmarks — node ${process.version}, ${new Date().toISOString()}`);
if (values.only === 'stress') await benchStress(runs);
else {
  if (values.only === undefined || values.only === 'servers') await benchServers(seconds, rounds);
  if (values.only === undefined || values.only === 'grading') await benchGrading(classSize, rounds);
  if (values.only === undefined || values.only === 'similarity') await benchSimilarity([100, 1000]);
}
