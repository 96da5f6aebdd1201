/**
 * The statement's own code, which every submission may contain without
 * having copied anyone: starter/app.ts and the TypeScript examples of
 * starter/README.md (reading the body, answering JSON, opening SQLite),
 * plus any files an instructor names with --template.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSubmission } from './source.ts';
import type { SubmissionCode } from './source.ts';

const STARTER = fileURLToPath(new URL('../../starter/', import.meta.url));

/** The ```ts blocks of a Markdown text, each a template of its own. */
export function codeBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const fence = /^```(?:ts|typescript)\s*\n([\s\S]*?)^```/gm;
  for (let match = fence.exec(markdown); match !== null; match = fence.exec(markdown)) blocks.push(match[1]!);
  return blocks;
}

export async function statementTemplates(): Promise<SubmissionCode[]> {
  const app = await readFile(`${STARTER}app.ts`, 'utf8').catch(() => undefined);
  const readme = await readFile(`${STARTER}README.md`, 'utf8').catch(() => '');
  const out: SubmissionCode[] = [];
  if (app !== undefined) out.push({ name: 'starter/app.ts', files: [{ path: 'app.ts', text: app }] });
  codeBlocks(readme).forEach((text, i) => out.push({ name: `starter/README.md#${i + 1}`, files: [{ path: `readme-${i + 1}.ts`, text }] }));
  return out;
}

/** --template FILE|FOLDER: each a template; a missing one is the caller's usage error. */
export async function extraTemplates(paths: readonly string[]): Promise<SubmissionCode[]> {
  const out: SubmissionCode[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw new Error(`no such file or folder: ${path}`);
    const code = await readSubmission(basename(path), path);
    out.push({ name: path, files: code.files });
  }
  return out;
}
