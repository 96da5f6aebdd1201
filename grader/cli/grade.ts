/**
 * `npm run grade -- [paths…] [options]`: grade submissions on both servers,
 * print the report, write the files asked for.
 *
 * Exit code: 0 when every selected test passed for every submission, 1 when
 * some failed, 2 for a usage error, (one submission) an app that cannot be
 * loaded, or a submission the grader could not grade (the app unreachable,
 * the grader failed: not the code's fault) — always with one line saying why.
 */
// Only the light modules load before the arguments are checked: --help and
// usage errors answer at once, and grading starts the runner as early as it can.
import type { GradeOptions } from '../engine/index.ts';
import { UsageError } from '../engine/options.ts';
import type { GradeRun } from '../results/types.ts';
import { NOT_GRADED } from '../results/types.ts';
import type { SimilarityReport } from '../similarity/types.ts';
import type { TerminalOptions } from '../reports/terminal.ts';
import { HELP, parseArgs } from './args.ts';
import type { GradeArgs } from './args.ts';
import { useColor } from './color.ts';
import { versionLine } from './command-line.ts';

type RenderTerminal = (run: GradeRun, options: TerminalOptions) => string;

class Interrupted extends Error {}

/**
 * --similarity: the submissions' code compared, with the grader's evidence of shared wrong answers.
 * Loaded through tsx only when asked for: bundled into grade.mjs, it would load the TypeScript
 * compiler on every grade.
 */
async function compareCode(sources: ReadonlyArray<{ name: string; sourcePath: string }>, run: GradeRun): Promise<SimilarityReport> {
  const { tsImport } = await import('tsx/esm/api');
  const similarity = (await tsImport('../similarity/index.ts', import.meta.url)) as typeof import('../similarity/index.ts');
  return similarity.addBehaviour(await similarity.compareSubmissions(sources), run);
}

function optionsOf(args: GradeArgs): GradeOptions {
  return {
    tiers: args.tiers,
    typecheck: args.typecheck,
    ...(args.only.length === 0 ? {} : { only: args.only }),
    ...(args.servers === undefined ? {} : { servers: args.servers }),
    ...(args.testsDir === undefined ? {} : { testsDir: args.testsDir }),
    ...(args.jobs === undefined ? {} : { jobs: args.jobs }),
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    ...(args.runs === undefined ? {} : { runs: args.runs }),
    ...(args.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: args.requestTimeoutMs }),
    ...(args.startTimeoutMs === undefined ? {} : { startTimeoutMs: args.startTimeoutMs }),
    ...(args.submissionTimeoutMs === undefined ? {} : { submissionTimeoutMs: args.submissionTimeoutMs }),
    // For the kit's own tests only (see GradeOptions.connectTo): a stand-in for a firewall.
    ...(process.env.WSGI_KIT_CONNECT_TO ? { connectTo: process.env.WSGI_KIT_CONNECT_TO } : {}),
  };
}

function allPassed(run: GradeRun): boolean {
  // A test skipped on this machine (level 4 without node:sqlite) neither passes nor fails.
  return run.submissions.every((sub) => sub.tests.every((test) => Object.values(test.outcomes).every((o) => o.status === 'passed' || o.status === 'skipped')));
}

/** The one line for a lone submission that cannot be loaded (exit 2), if that is the case. */
function loadFailure(run: GradeRun): string | undefined {
  const only = run.submissions.length === 1 ? run.submissions[0] : undefined;
  return only?.status === 'load-error' ? (only.statusDetail ?? 'the app could not be loaded') : undefined;
}

/** The one line when the grader could not grade some submission (exit 2): it is not the code's fault. */
function notGradedLine(run: GradeRun): string | undefined {
  const subs = run.submissions.filter((sub) => NOT_GRADED.includes(sub.status));
  const first = subs[0];
  if (first === undefined) return undefined;
  const why = first.status === 'unreachable' ? (first.statusDetail ?? 'the grader could not connect to the app') : `the grader failed: ${first.statusDetail ?? 'no detail'}`;
  if (run.submissions.length === 1) return `not graded: ${why} — not a problem in the submitted code`;
  const names = subs.slice(0, 3).map((sub) => sub.name).join(', ') + (subs.length > 3 ? ', …' : '');
  return `${subs.length} of ${run.submissions.length} submissions not graded (${names}): ${why} — not a problem in their code`;
}

function printReport(renderTerminal: RenderTerminal, run: GradeRun, args: GradeArgs, color: boolean, after = '', similarity?: SimilarityReport): number {
  const problem = loadFailure(run);
  if (problem !== undefined) {
    process.stderr.write(`grade: ${problem}\n`);
    return 2;
  }
  const width = process.stdout.isTTY ? process.stdout.columns : undefined;
  process.stdout.write(`${renderTerminal(run, { color, verbose: args.verbose, ...(width === undefined ? {} : { width }), ...(similarity === undefined ? {} : { similarity }) }).trimEnd()}\n`);
  if (after !== '') process.stdout.write(`\n${after}\n`);
  const notGraded = notGradedLine(run);
  if (notGraded !== undefined) {
    process.stderr.write(`grade: ${notGraded}\n`);
    return 2;
  }
  return allPassed(run) ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help || args.version) {
    process.stdout.write(`${args.help ? HELP : versionLine()}\n`);
    return 0;
  }
  const color = useColor(process.stdout, process.env, args.color);
  // The runner (vitest, the slowest thing to load) starts first; everything below overlaps with it.
  const options = optionsOf(args);
  const engine = await import('../engine/index.ts');
  const grader = engine.Grader.start(options);
  try {
    const sources = await engine.discoverSubmissions(args.paths);
    if (args.watch && sources.length !== 1) throw new UsageError(`--watch grades one submission; ${sources.length} were found`);
    const terminal = import('../reports/terminal.ts');
    const { checkTargets, writeOutputs } = await import('./grade-outputs.ts');
    await checkTargets(args, sources.length);
    const lms = await import('./lms.ts');
    const lmsInputs = await lms.loadLmsInputs(args);
    const github = args.github ? await import('./github-actions.ts') : undefined;
    github?.checkGithubEnv(process.env);
    const { renderTerminal } = await terminal;
    if (args.watch && sources[0] !== undefined) {
      const { watchSubmission } = await import('./grade-watch.ts');
      const clear = (): void => {
        if (process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
      };
      return await watchSubmission({
        source: sources[0],
        paths: args.paths,
        grader,
        ...(args.testsDir === undefined ? {} : { testsDir: args.testsDir }),
        renew: () => engine.Grader.start(options),
        show: (run) => {
          printReport(renderTerminal, run, args, color);
          void writeOutputs(run, args);
        },
        clear,
      });
    }
    const { createProgress } = await import('./grade-progress.ts');
    const progress = sources.length > 1 ? createProgress(process.stderr, process.stderr.isTTY === true) : undefined;
    // Ctrl-C: stop the runner and let grade() remove its temp folder before leaving.
    let interrupted = false;
    const onInterrupt = (): void => {
      interrupted = true;
      grader.abort();
    };
    process.once('SIGINT', onInterrupt);
    let run: GradeRun;
    try {
      run = await grader.grade(args.paths, progress?.update);
    } catch (error) {
      if (interrupted) throw new Interrupted();
      throw error;
    } finally {
      process.off('SIGINT', onInterrupt);
      progress?.finish();
    }
    const width = process.stdout.isTTY ? process.stdout.columns : undefined;
    const { text, extras } = await lms.applyLms(run, args, lmsInputs, { color, ...(width === undefined ? {} : { width }) });
    const similarity = args.similarity && sources.length > 1 ? await compareCode(sources, run) : undefined;
    await writeOutputs(run, args, similarity === undefined ? extras : { ...extras, similarity });
    const print = (): number => printReport(renderTerminal, run, args, color, text, similarity);
    return github ? await github.reportToGithub(run, process.env, print, extras.regrade) : print();
  } finally {
    await grader.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`grade: ${error.message}\n`);
  } else if (error instanceof Interrupted) {
    process.stderr.write('grade: interrupted\n');
  } else {
    // The grader's own failure: the stack is for whoever fixes the grader; the first words say whose problem it is.
    process.stderr.write(`grade: the grader failed (not a problem in the submitted code): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exitCode = error instanceof Interrupted ? 130 : 2;
}
// Everything is closed by now; this only guards against a stray handle keeping the process up.
setTimeout(() => process.exit(), 2_000).unref();
