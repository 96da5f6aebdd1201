/**
 * The similarity fixtures as the tests read them: the class of independent
 * solutions and their copies (test/fixtures/similarity/class), its labels,
 * and a helper that scores every labelled pair under given pipeline options.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyse } from '../../grader/similarity/analyse.ts';
import type { AnalyseOptions } from '../../grader/similarity/analyse.ts';
import { readSubmission } from '../../grader/similarity/source.ts';
import type { SubmissionCode } from '../../grader/similarity/source.ts';
import { statementTemplates } from '../../grader/similarity/template.ts';
import type { PairReport, SimilarityReport } from '../../grader/similarity/types.ts';

export const FIXTURES = 'test/fixtures/similarity';
export const CLASS_DIR = join(FIXTURES, 'class');

export interface Labels {
  independent: string[];
  copies: Array<{ copy: string; source: string; attack: string }>;
}

export const labels = JSON.parse(readFileSync(join(FIXTURES, 'labels.json'), 'utf8')) as Labels;

export async function readClass(dir = CLASS_DIR): Promise<SubmissionCode[]> {
  const names = readdirSync(dir).sort();
  return Promise.all(names.map((name) => readSubmission(name.replace(/\.ts$/, ''), join(dir, name))));
}

export interface Scores {
  report: SimilarityReport;
  pair(a: string, b: string): PairReport;
  /** Every pair of independent solutions. */
  independent: PairReport[];
}

const NONE = (a: string, b: string): PairReport => ({ a, b, similarity: 0, longest: 0, suspicion: 0, fragments: [] });

export function score(codes: readonly SubmissionCode[], templates: readonly SubmissionCode[], options: AnalyseOptions = {}, independent = labels.independent): Scores {
  const report = analyse(codes, templates, options);
  const pair = (a: string, b: string): PairReport => report.pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a)) ?? NONE(a, b);
  const pairs: PairReport[] = [];
  for (let i = 0; i < independent.length; i++) for (let j = i + 1; j < independent.length; j++) pairs.push(pair(independent[i]!, independent[j]!));
  return { report, pair, independent: pairs };
}

export const statement = (): Promise<SubmissionCode[]> => statementTemplates();

/**
 * The class as it would be handed in where the instructor gave out
 * conditional-get.ts (level 3's caching) for students to wrap their app in:
 * each folder gets the file, and its app.ts exports the wrapped application.
 */
export function skeletonClass(): string {
  const dir = mkdtempSync(join(tmpdir(), 'similarity-skeleton-'));
  const provided = readFileSync(join(FIXTURES, 'skeleton', 'conditional-get.ts'), 'utf8').replace("'../../../../grader/wsgi/types.ts'", "'../../grader/wsgi/types.ts'");
  for (const name of readdirSync(CLASS_DIR)) {
    const target = join(dir, name);
    cpSync(join(CLASS_DIR, name), target, { recursive: true });
    writeFileSync(join(target, 'conditional-get.ts'), provided);
    const appPath = join(target, 'app.ts');
    const app = readFileSync(appPath, 'utf8');
    const wrapped = app.includes('export function application(')
      ? app.replace('export function application(', 'function studentApplication(')
      : app.replace(/export const application(: Application)? =/, 'const studentApplication: Application =');
    if (wrapped === app) throw new Error(`${name}: no application export to wrap`);
    writeFileSync(appPath, `import { withConditionalGet } from './conditional-get.ts';\nimport type { Application } from '../../grader/wsgi/types.ts';\n${wrapped}\nexport const application = withConditionalGet(studentApplication);\n`);
  }
  return dir;
}
