/**
 * The roster, the gradebooks and the baseline: read and checked before
 * grading starts (a broken roster or baseline is a one-line usage error, not
 * a lost run), applied after it.
 */
import { readFile, stat } from 'node:fs/promises';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from '../engine/options.ts';
import type { GradeRun } from '../results/types.ts';
import { renderCanvas } from '../reports/gradebook/canvas.ts';
import { renderMoodle } from '../reports/gradebook/moodle.ts';
import type { Student } from '../reports/gradebook/roster.ts';
import { classMaximum, matchRoster, parseRoster, RosterError, rosterLines } from '../reports/gradebook/roster.ts';
import type { HtmlExtras } from '../reports/html/index.ts';
import { baselineProblem, regradeDiff } from '../reports/regrade.ts';
import { renderRegrade } from '../reports/terminal-regrade.ts';
import type { LmsArgs } from './lms-args.ts';

export interface LmsInputs {
  roster?: Student[];
  baseline?: GradeRun;
}

async function readText(option: string, path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new UsageError(`--${option}: no such file: ${path}`);
  if (info.isDirectory()) throw new UsageError(`--${option}: ${path} is a folder; give a file`);
  return readFile(path, 'utf8');
}

export async function loadLmsInputs(args: LmsArgs): Promise<LmsInputs> {
  const inputs: LmsInputs = {};
  for (const { system, file } of args.gradebooks) {
    if ((await stat(file).catch(() => undefined))?.isDirectory()) throw new UsageError(`--gradebook ${system}: ${file} is a folder; give a file name`);
  }
  if (args.roster !== undefined) {
    const text = await readText('roster', args.roster);
    try {
      inputs.roster = parseRoster(text);
    } catch (error) {
      if (error instanceof RosterError) throw new UsageError(`--roster ${args.roster}: ${error.message}`);
      throw error;
    }
  }
  if (args.baseline !== undefined) {
    const text = await readText('baseline', args.baseline);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new UsageError(`--baseline ${args.baseline}: not JSON (give the file an earlier run wrote with --json)`);
    }
    const problem = baselineProblem(value);
    if (problem !== undefined) throw new UsageError(`--baseline ${args.baseline}: ${problem}`);
    inputs.baseline = value as GradeRun;
  }
  return inputs;
}

/** Writes the gradebooks; returns what the terminal shows after the report, and the page's extra sections. */
export async function applyLms(run: GradeRun, args: LmsArgs, inputs: LmsInputs, view: { color: boolean; width?: number }): Promise<{ text: string; extras: HtmlExtras }> {
  const parts: string[] = [];
  const extras: HtmlExtras = {};
  if (inputs.roster !== undefined) {
    const match = matchRoster(run, inputs.roster);
    parts.push(rosterLines(match).join('\n'));
    const options = { assignment: args.assignment || 'todo-wsgi', points: args.points ?? classMaximum(run) };
    for (const { system, file } of args.gradebooks) {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, system === 'canvas' ? renderCanvas(match, options) : renderMoodle(match, options));
    }
  }
  if (inputs.baseline !== undefined) {
    extras.regrade = regradeDiff(inputs.baseline, run);
    parts.push(renderRegrade(extras.regrade, view).trimEnd());
  }
  return { text: parts.join('\n\n'), extras };
}
