/**
 * `npm run similarity -- submissions/ [--html F] [--csv F] [--json F] [--template FILE…]`:
 * compare the submissions' code without grading them. Prints the pairs above
 * the threshold, writes the files asked for.
 *
 * Exit code: 0 when the comparison ran (whatever it found), 2 for a usage error.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { discoverSubmissions } from '../engine/discover.ts';
import { UsageError } from '../engine/options.ts';
import { renderSimilarityPage } from '../reports/html/similarity.ts';
import { renderSimilarityCsv } from '../reports/similarity-csv.ts';
import { similarityLines } from '../reports/similarity-terminal.ts';
import { makeStyle } from '../reports/terminal-style.ts';
import { compareSubmissions } from '../similarity/index.ts';
import { clustersOf } from '../similarity/rank.ts';
import type { SimilarityReport } from '../similarity/types.ts';
import { useColor } from './color.ts';
import { versionLine } from './command-line.ts';
import { parseSimilarityArgs, SIMILARITY_HELP } from './similarity-args.ts';
import type { SimilarityArgs } from './similarity-args.ts';
import { createStageProgress } from './similarity-progress.ts';

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isDirectory(), () => false);
}

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text.endsWith('\n') ? text : `${text}\n`);
}

/** Report files, checked before the work starts and written after. */
export async function checkSimilarityTargets(args: Pick<SimilarityArgs, 'html' | 'csv' | 'json' | 'templates'>): Promise<void> {
  for (const [option, path] of [['html', args.html], ['csv', args.csv], ['json', args.json]] as const) {
    if (path !== undefined && (await isDirectory(path))) throw new UsageError(`--${option}: ${path} is a folder; give a file name`);
  }
  for (const template of args.templates) {
    if (!(await stat(template).then(() => true, () => false))) throw new UsageError(`--template: no such file or folder: ${template}`);
  }
}

export async function writeSimilarityOutputs(report: SimilarityReport, args: Pick<SimilarityArgs, 'html' | 'csv' | 'json'>): Promise<void> {
  if (args.json !== undefined) await write(args.json, JSON.stringify(report, null, 2));
  if (args.csv !== undefined) await write(args.csv, renderSimilarityCsv(report));
  if (args.html !== undefined) await write(args.html, renderSimilarityPage(report));
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseSimilarityArgs(argv);
  if (args.help || args.version) {
    process.stdout.write(`${args.help ? SIMILARITY_HELP : versionLine()}\n`);
    return 0;
  }
  const sources = await discoverSubmissions(args.paths);
  if (sources.length < 2) throw new UsageError(`comparing needs at least two submissions; ${sources.length} found in ${args.paths.join(' ')}`);
  await checkSimilarityTargets(args);
  const progress = createStageProgress(process.stderr, process.stderr.isTTY === true);
  let report: SimilarityReport;
  try {
    report = await compareSubmissions(sources, { templates: args.templates, progress: progress.update });
  } finally {
    progress.finish();
  }
  if (args.threshold !== undefined) report = { ...report, threshold: args.threshold, clusters: clustersOf(report.pairs, args.threshold) };
  await writeSimilarityOutputs(report, args);
  const color = useColor(process.stdout, process.env, args.color);
  const cols = process.stdout.isTTY ? process.stdout.columns : 80;
  const head = `todo-wsgi similarity · ${report.submissions.length} submissions · ${report.pairsSharing} of ${report.pairsCompared} pairs share code · ${(report.durationMs / 1000).toFixed(1)} s`;
  process.stdout.write(`${makeStyle(color).bold(head)}\n\n${similarityLines(report, makeStyle(color), Math.max(60, cols)).join('\n')}\n`);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) process.stderr.write(`similarity: ${error.message}\n`);
  else process.stderr.write(`similarity: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 2;
}
