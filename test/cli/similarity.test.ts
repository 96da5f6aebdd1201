// `npm run similarity` as an instructor runs it: a real process over a class
// folder, every report file at once; and its usage errors, one line each.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SimilarityReport } from '../../grader/similarity/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'similarity-cli-'));
const classDir = join(dir, 'class');
const out = join(dir, 'out');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'grader/cli/similarity.ts', ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let result: { code: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  for (const name of ['ind-switch', 'copy-switch-combined', 'ind-python', 'partial-routing', 'ind-class']) {
    cpSync(join('test/fixtures/similarity/class', name), join(classDir, name), { recursive: true });
  }
  // One that does not parse, one with no code: listed, not dropped.
  writeFileSync(join(classDir, 'broken.ts'), 'export function application(environ, start) {\n  return [;\n}\n');
  mkdirSync(join(classDir, 'empty'));
  result = await run([classDir, '--csv', join(out, 'pairs.csv'), '--json', join(out, 'pairs.json'), '--html', join(out, 'pairs.html')]);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run similarity', () => {
  test('prints the pairs above the threshold and the submissions it could not fully compare', () => {
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Similarity/);
    expect(result.stdout).toMatch(/copy-switch-combined\s+ind-switch/);
    expect(result.stdout).toMatch(/ind-python\s+partial-routing/);
    expect(result.stdout).toMatch(/broken: syntax errors, compared as far as parsed: app\.ts|broken: syntax errors, compared as far as parsed: broken\.ts:2:/);
    expect(result.stdout).toMatch(/empty: no \.ts file, not compared/);
  });

  test('writes a CSV with a row per pair, a,b,similarity,longest first, sorted by suspicion', () => {
    const rows = parseCsv(readFileSync(join(out, 'pairs.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!).slice(0, 4)).toEqual(['a', 'b', 'similarity', 'longest']);
    const suspicion = rows.map((r) => Number(r.suspicion));
    expect([...suspicion].sort((x, y) => y - x)).toEqual(suspicion);
    expect([rows[0]!.a, rows[0]!.b].sort()).toEqual(['copy-switch-combined', 'ind-switch']);
    for (const r of rows) {
      expect(Number(r.similarity)).toBeGreaterThanOrEqual(0);
      expect(Number(r.similarity)).toBeLessThanOrEqual(1);
      expect(Number.isInteger(Number(r.longest))).toBe(true);
    }
  });

  test('writes the JSON report and a page', () => {
    const report = JSON.parse(readFileSync(join(out, 'pairs.json'), 'utf8')) as SimilarityReport;
    expect(report.submissions.map((s) => s.name).sort()).toEqual(['broken', 'copy-switch-combined', 'empty', 'ind-class', 'ind-python', 'ind-switch', 'partial-routing']);
    expect(report.submissions.find((s) => s.name === 'empty')?.status).toBe('empty');
    expect(readFileSync(join(out, 'pairs.html'), 'utf8')).toMatch(/<section class="similarity"/);
  });

  test('--help, and usage errors as one line with exit code 2', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: npm run similarity/);
    for (const [args, message] of [
      [[], /^similarity: name the submissions to compare/],
      [[classDir, '--bogus'], /^similarity: unknown option --bogus/],
      [[classDir, '--html'], /^similarity: --html needs a value/],
      [[classDir, '--threshold', '2'], /^similarity: --threshold: expected a number from 0 to 1/],
      [[classDir, '--template', join(dir, 'nope.ts')], /^similarity: --template: no such file or folder/],
      [[join(classDir, 'ind-class')], /^similarity: comparing needs at least two submissions/],
    ] as Array<[string[], RegExp]>) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  }, 120_000);
});
