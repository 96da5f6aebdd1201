// The grade command's options for where grades go: --gradebook's two words, and one line for each misuse.
import { describe, expect, test } from 'vitest';
import { HELP, parseArgs } from '../../grader/cli/args.ts';
import { takeGradebooks } from '../../grader/cli/lms-args.ts';

describe('--gradebook SYSTEM FILE', () => {
  test('takes two words, or SYSTEM=…, repeatable, and leaves the rest to the parser', () => {
    expect(parseArgs(['class/', '--roster', 'r.csv', '--gradebook', 'canvas', 'c.csv', '--gradebook=Moodle', 'm.csv', '--points', '12.5'])).toMatchObject({
      paths: ['class/'], roster: 'r.csv', points: 12.5,
      gradebooks: [{ system: 'canvas', file: 'c.csv' }, { system: 'moodle', file: 'm.csv' }],
    });
    expect(parseArgs([]).gradebooks).toEqual([]);
    // After --, a word is a path whatever it looks like.
    expect(takeGradebooks(['--', '--gradebook', 'canvas'])).toEqual({ rest: ['--', '--gradebook', 'canvas'], gradebooks: [] });
  });

  test('fails with one line: no system, unknown system, no FILE, no roster', () => {
    expect(() => parseArgs(['--gradebook'])).toThrow('--gradebook needs a system and a file: --gradebook canvas|moodle FILE');
    expect(() => parseArgs(['--gradebook', '--json', 'x'])).toThrow('--gradebook needs a system and a file');
    expect(() => parseArgs(['--gradebook', 'blackboard', 'x.csv'])).toThrow('--gradebook: unknown system "blackboard" (use canvas or moodle)');
    expect(() => parseArgs(['--roster', 'r.csv', '--gradebook', 'canvas'])).toThrow('--gradebook canvas needs a FILE to write (e.g. --gradebook canvas grades-canvas.csv)');
    expect(() => parseArgs(['--gradebook', 'moodle', '--tier', 'core'])).toThrow('--gradebook moodle needs a FILE to write');
    expect(() => parseArgs(['--gradebook', 'canvas', 'c.csv'])).toThrow('--gradebook needs --roster FILE: Canvas and Moodle find each student by id or e-mail');
  });
});

describe('--points, --assignment, --github, --baseline', () => {
  test('need what they apply to, and sensible values', () => {
    expect(() => parseArgs(['--points', '10'])).toThrow('--points is for the gradebook: give --gradebook canvas|moodle FILE too');
    expect(() => parseArgs(['--assignment', 'Ex 1'])).toThrow('--assignment is for the gradebook');
    for (const bad of ['0', '-3', 'ten', '1e3']) {
      expect(() => parseArgs(['--roster', 'r', '--gradebook', 'canvas', 'c', '--points', bad])).toThrow(/^--points(: expected a positive number of points, got "\S+"| needs a value)/);
    }
    expect(() => parseArgs(['--github', '--watch'])).toThrow('--github grades once, for a workflow step; --watch grades again and again: choose one');
    expect(parseArgs(['--github', '--baseline', 'old.json'])).toMatchObject({ github: true, baseline: 'old.json' });
    expect(parseArgs([]).github).toBe(false);
  });

  test('are in --help', () => {
    for (const option of ['--github', '--roster FILE', '--gradebook canvas|moodle FILE', '--points N', '--assignment NAME', '--baseline FILE']) {
      expect(HELP).toContain(option);
    }
    expect(HELP).toMatch(/--classroom FILE .*deprecated/);
  });
});
