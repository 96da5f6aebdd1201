/**
 * Stack locations from literal V8 frames of every path form the kit meets:
 * POSIX paths, file URLs, Windows drive paths with backslashes or slashes,
 * file:///C:/ URLs and UNC paths, with spaces and parentheses in folder
 * names. The frames are literal strings, so Windows' forms are checked on
 * any machine. String.raw keeps backslashes as Windows writes them.
 */
import { describe, expect, it } from 'vitest';
import { describeError, frameLocation, isWindowsPath, studentLocation } from '../../grader/sandbox/child/describe-error.ts';

function thrown(message: string, frames: string[]): Error {
  const error = new TypeError(message);
  error.stack = [`TypeError: ${message}`, ...frames.map((f) => `    at ${f}`)].join('\n');
  return error;
}

interface Case {
  name: string;
  sourceDir: string;
  /** Frames of the runtime first, then the student's. */
  frames: string[];
  expected: string;
}

const CASES: Case[] = [
  { name: 'POSIX path', sourceDir: '/home/ann/sub', expected: 'app.ts:12:5',
    frames: ['validate (/opt/kit/runtime.mjs:40:11)', 'handler (/home/ann/sub/app.ts:12:5)'] },
  { name: 'POSIX path, bare frame, nested file', sourceDir: '/home/ann/sub', expected: 'lib/store.ts:3:9',
    frames: ['/home/ann/sub/lib/store.ts:3:9'] },
  { name: 'file URL on POSIX', sourceDir: '/home/ann/sub', expected: 'app.ts:7:1',
    frames: ['async ModuleJob.run (node:internal/modules/esm/module_job:271:25)', 'file:///home/ann/sub/app.ts:7:1'] },
  { name: 'POSIX folder with spaces and parentheses', sourceDir: '/home/ann/my sub (2)', expected: 'app.ts:4:3',
    frames: ['handler (/home/ann/my sub (2)/app.ts:4:3)'] },
  { name: 'Windows drive path, backslashes', sourceDir: String.raw`C:\Users\Ann\sub`, expected: 'app.ts:4:3',
    frames: [String.raw`validate (C:\kit\runtime.mjs:40:11)`, String.raw`handler (C:\Users\Ann\sub\app.ts:4:3)`] },
  { name: 'Windows drive path, nested, other letter case', sourceDir: String.raw`C:\Users\Ann\sub`, expected: 'lib/store.ts:3:9',
    frames: [String.raw`Store.add (c:\users\ann\SUB\lib\store.ts:3:9)`] },
  { name: 'Windows drive path, forward slashes', sourceDir: String.raw`D:\work\sub`, expected: 'app.ts:12:5',
    frames: ['handler (D:/work/sub/app.ts:12:5)'] },
  { name: 'Windows folder with spaces and parentheses', sourceDir: String.raw`C:\Users\Ann Lee\sub (1)`, expected: 'app.ts:8:2',
    frames: [String.raw`handler (C:\Users\Ann Lee\sub (1)\app.ts:8:2)`] },
  { name: 'file:///C:/ URL', sourceDir: String.raw`C:\Users\Ann\sub`, expected: 'app.ts:4:3',
    frames: ['file:///C:/kit/runtime.mjs:1:1', 'handler (file:///C:/Users/Ann/sub/app.ts:4:3)'] },
  { name: 'file:///C:/ URL with an escaped space', sourceDir: String.raw`C:\Users\Ann Lee\sub`, expected: 'app.ts:4:3',
    frames: ['file:///C:/Users/Ann%20Lee/sub/app.ts:4:3'] },
  { name: 'UNC path', sourceDir: String.raw`\\fileserver\class\ann`, expected: 'app.ts:21:7',
    frames: [String.raw`handler (\\fileserver\class\ann\app.ts:21:7)`] },
  { name: 'UNC file URL', sourceDir: String.raw`\\fileserver\class\ann`, expected: 'lib/db.ts:2:1',
    frames: ['file://fileserver/class/ann/lib/db.ts:2:1'] },
];

describe('studentLocation', () => {
  for (const c of CASES) {
    it(`finds the student's frame: ${c.name}`, () => {
      expect(studentLocation(thrown('boom', c.frames), c.sourceDir)).toBe(c.expected);
      expect(describeError(thrown('x is not a function', c.frames), c.sourceDir)).toBe(`TypeError: x is not a function (${c.expected})`);
    });
  }

  it('skips frames outside the submission, including a sibling folder that shares its prefix', () => {
    expect(studentLocation(thrown('boom', ['handler (/home/ann/sub2/app.ts:1:1)', '/home/ann/app.ts:2:2']), '/home/ann/sub')).toBeUndefined();
    expect(studentLocation(thrown('boom', [String.raw`handler (C:\Users\Ann\sub2\app.ts:1:1)`]), String.raw`C:\Users\Ann\sub`)).toBeUndefined();
    expect(studentLocation(thrown('boom', [String.raw`handler (D:\Users\Ann\sub\app.ts:1:1)`]), String.raw`C:\Users\Ann\sub`)).toBeUndefined();
  });

  it('ignores frames without a file and eval frames', () => {
    const frames = ['Array.map (<anonymous>)', 'eval (eval at load (/home/ann/sub/app.ts:3:1), <anonymous>:1:1)', 'node:internal/main:10:3'];
    expect(studentLocation(thrown('boom', frames), '/home/ann/sub')).toBeUndefined();
  });

  it('takes a trailing separator on the folder', () => {
    expect(studentLocation(thrown('boom', ['handler (/home/ann/sub/app.ts:1:2)']), '/home/ann/sub/')).toBe('app.ts:1:2');
    expect(studentLocation(thrown('boom', [String.raw`handler (C:\sub\app.ts:1:2)`]), 'C:\\sub\\')).toBe('app.ts:1:2');
  });

  it('finds the frame of a real error thrown here, on this platform', () => {
    const error = new Error('real');
    expect(studentLocation(error, import.meta.dirname)).toMatch(/^describe-error\.test\.ts:\d+:\d+$/);
  });
});

describe('frameLocation and isWindowsPath', () => {
  it('reads each form', () => {
    expect(frameLocation(String.raw`at h (C:\a\b.ts:1:2)`, true)).toEqual({ file: String.raw`C:\a\b.ts`, line: '1', column: '2' });
    expect(frameLocation('at file:///C:/a/b.ts:1:2', true)).toEqual({ file: String.raw`C:\a\b.ts`, line: '1', column: '2' });
    expect(frameLocation('at file:///a/b.ts:1:2', false)).toEqual({ file: '/a/b.ts', line: '1', column: '2' });
    expect(frameLocation('at Array.map (<anonymous>)', false)).toBeUndefined();
  });

  it('tells Windows paths from POSIX ones', () => {
    for (const p of [String.raw`C:\x`, 'c:/x', String.raw`\\server\share`]) expect(isWindowsPath(p)).toBe(true);
    for (const p of ['/x', 'x', 'C:x']) expect(isWindowsPath(p)).toBe(false);
  });
});
