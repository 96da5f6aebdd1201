/**
 * How long `npm run similarity` takes on a class of 100 and of 1,000, as a
 * class hands it in: folders of .ts files made from the independent
 * solutions of test/fixtures/similarity (multi-file ones stay multi-file),
 * each student's copy varied with a seeded generator as students vary: local
 * names renamed, messages reworded, logging and unused variables inserted,
 * top-level declarations shuffled, and now and then a function left out
 * (unfinished work). Nine bases make nine large families of related
 * submissions: more pairs that share code than a real class has, so a
 * pessimistic figure. The baseline, measured in the same run, is parsing the
 * same files with the TypeScript compiler alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';
import type { SimilarityReport } from '../grader/similarity/types.ts';
import { printTable } from './table.ts';

const FIXTURES = 'test/fixtures/similarity/class';

/** A small seeded generator (mulberry32): the same class every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function filesOf(dir: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = (at: string): void => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) out.push({ path: relative(dir, path), text: readFileSync(path, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

const WORDS = ['please', 'sorry', 'invalid', 'oops', 'check', 'request', 'value', 'field'];

/** One student's variation of a base file. */
function vary(text: string, student: number, rnd: () => number): string {
  const declared = [...text.matchAll(/\b(?:const|let|function)\s+([a-z][A-Za-z0-9_]*)/g)].map((m) => m[1]!).filter((n) => n !== 'application');
  let out = text;
  for (const name of new Set(declared)) if (rnd() < 0.6) out = out.replace(new RegExp(`\\b${name}\\b`, 'g'), `${name}${student}`);
  out = out.replace(/'([a-z][^'\n]* [^'\n]*)'/g, (_m, msg: string) => `'${rnd() < 0.5 ? `${msg} ${WORDS[Math.floor(rnd() * WORDS.length)]}` : msg}'`);
  const chunks = out.split('\n\n');
  const head = chunks.shift() ?? '';
  // Shuffle top-level chunks a little, and now and then leave one out.
  for (let i = chunks.length - 1; i > 0; i--) {
    if (rnd() < 0.3) {
      const j = Math.floor(rnd() * (i + 1));
      [chunks[i], chunks[j]] = [chunks[j]!, chunks[i]!];
    }
  }
  const kept = chunks.filter((chunk) => !(rnd() < 0.05 && !chunk.includes('application')));
  const lines = [head, ...kept].join('\n\n').split('\n');
  const padded: string[] = [];
  for (const line of lines) {
    padded.push(line);
    if (/^\s{2,}(const|let|return|if)\b.*;$/.test(line) && rnd() < 0.12) {
      const indent = line.match(/^\s*/)![0];
      padded.push(rnd() < 0.5 ? `${indent}console.log('debug ${student}');` : `${indent}const unused${student}x${padded.length} = ${Math.floor(rnd() * 100)};`);
    }
  }
  return padded.join('\n');
}

export function makeClass(size: number): { dir: string; files: number } {
  const dir = mkdtempSync(join(tmpdir(), 'todo-wsgi-bench-similarity-'));
  const bases = readdirSync(FIXTURES).filter((name) => name.startsWith('ind-')).sort().map((name) => filesOf(join(FIXTURES, name)));
  let files = 0;
  for (let i = 0; i < size; i++) {
    const rnd = random(i + 1);
    const base = bases[i % bases.length]!;
    const folder = join(dir, `student-${String(i + 1).padStart(4, '0')}`);
    for (const file of base) {
      mkdirSync(join(folder, file.path, '..'), { recursive: true });
      writeFileSync(join(folder, file.path), vary(file.text, i + 1, rnd));
      files += 1;
    }
  }
  return { dir, files };
}

/** The baseline: the TypeScript compiler parsing every file of the class, nothing else. */
function parseOnly(dir: string): number {
  const started = performance.now();
  for (const student of readdirSync(dir)) {
    for (const file of filesOf(join(dir, student))) ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  }
  return performance.now() - started;
}

function similarity(dir: string): { ms: number; report: SimilarityReport } {
  const out = join(dir, '..', `${dir.split(/[\\/]/).pop()}.json`);
  const started = performance.now();
  const run = spawnSync('npm', ['run', '--silent', 'similarity', '--', dir, '--json', out], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`npm run similarity exited with ${run.status ?? run.signal}: ${run.stderr.toString().slice(-500)}`);
  const report = JSON.parse(readFileSync(out, 'utf8')) as SimilarityReport;
  rmSync(out, { force: true });
  return { ms, report };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export async function benchSimilarity(sizes: readonly number[]): Promise<void> {
  const rows: string[][] = [];
  for (const size of sizes) {
    const { dir, files } = makeClass(size);
    try {
      const parse = parseOnly(dir);
      const { ms, report } = similarity(dir);
      if (report.submissions.length !== size) throw new Error(`similarity compared ${report.submissions.length} submissions; expected ${size}`);
      const flagged = report.pairs.filter((p) => p.suspicion >= report.threshold).length;
      rows.push([
        `npm run similarity, class of ${size} (${files} files)`,
        seconds(ms),
        `${seconds(report.durationMs)} (${(report.durationMs / size).toFixed(1)} ms each)`,
        `${seconds(parse)} (${(report.durationMs / parse).toFixed(1)}×)`,
        `${report.pairsSharing} of ${report.pairsCompared}; ${flagged} above ${report.threshold}`,
        size >= 1000 ? '≤ 20 s' : '—',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  printTable(
    'Code similarity (classes made from the 9 independent fixtures, each student varied; see bench/similarity.ts)',
    ['what', 'wall (process)', 'comparison', 'baseline: parse only (comparison ÷ parse)', 'pairs sharing code; flagged', 'target'],
    rows,
  );
}
