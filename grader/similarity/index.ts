/**
 * Code similarity between submissions, for instructors: evidence for a
 * conversation with a student, never a verdict.
 *
 * compareSubmissions() reads each submission's .ts files, subtracts the
 * statement's code and any --template files, and ranks the pairs;
 * addBehaviour() adds what a graded run shows (the same unusual wrong answers).
 */
import { analyse } from './analyse.ts';
import type { AnalyseOptions } from './analyse.ts';
import { behaviourPairs, withBehaviour } from './behaviour.ts';
import { clustersOf, compareRanked } from './rank.ts';
import { readSubmission } from './source.ts';
import { extraTemplates, statementTemplates } from './template.ts';
import type { GradeRun } from '../results/types.ts';
import type { SimilarityReport } from './types.ts';

export type { SimilarityReport } from './types.ts';

export interface CompareOptions extends AnalyseOptions {
  /** --template files or folders: their code counts for nothing. */
  templates?: readonly string[];
  /** Subtract starter/app.ts and the statement's examples (default true). */
  statement?: boolean;
}

export async function compareSubmissions(sources: ReadonlyArray<{ name: string; sourcePath: string }>, options: CompareOptions = {}): Promise<SimilarityReport> {
  const codes = [];
  for (const source of sources) codes.push(await readSubmission(source.name, source.sourcePath));
  const templates = [...(options.statement === false ? [] : await statementTemplates()), ...(await extraTemplates(options.templates ?? []))];
  return analyse(codes, templates, options);
}

/** The report with each pair's behaviour evidence from a graded run, re-ranked. */
export function addBehaviour(report: SimilarityReport, run: GradeRun): SimilarityReport {
  const pairs = withBehaviour(report.pairs, behaviourPairs(run)).sort(compareRanked);
  return { ...report, pairs, clusters: clustersOf(pairs, report.threshold) };
}
