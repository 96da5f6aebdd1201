// `npm run grade -- class/ --similarity`: the class summary and the page gain
// a Similarity section; without the flag neither has one.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parseArgs } from '../../grader/cli/args.ts';

const dir = mkdtempSync(join(tmpdir(), 'grade-similarity-'));
const classDir = join(dir, 'class');

function grade(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'grader/cli/grade.ts', ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

let withFlag: { code: number | null; stdout: string };
let without: { code: number | null; stdout: string };

beforeAll(async () => {
  for (const name of ['ind-switch', 'copy-switch-rename', 'ind-class']) cpSync(join('test/fixtures/similarity/class', name), join(classDir, name), { recursive: true });
  const common = [classDir, '--tier', 'core', '--test', 'core.list.empty-array'];
  withFlag = await grade([...common, '--similarity', '--html', join(dir, 'with.html')]);
  without = await grade([...common, '--html', join(dir, 'without.html')]);
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('--similarity is a flag of grade', () => {
  expect(parseArgs(['class', '--similarity']).similarity).toBe(true);
  expect(parseArgs(['class']).similarity).toBe(false);
});

test('the class summary gains a Similarity section naming the copied pair', () => {
  expect(withFlag.code).toBe(0);
  expect(withFlag.stdout).toMatch(/^Similarity/m);
  expect(withFlag.stdout).toMatch(/copy-switch-rename\s+ind-switch\s+100 %/);
  expect(without.stdout).not.toMatch(/^Similarity/m);
});

test('the page gains the section, with the report and its script', () => {
  const page = readFileSync(join(dir, 'with.html'), 'utf8');
  expect(page).toMatch(/<section class="similarity"/);
  expect(page).toMatch(/id="similarity-data"/);
  expect(page.match(/'sha256-[^']+'/g)).toHaveLength(2);
  expect(readFileSync(join(dir, 'without.html'), 'utf8')).not.toMatch(/similarity-data/);
});
