import { describe, expect, it } from 'vitest';
import { renderTerminal } from '../../grader/reports/terminal.ts';
import { width } from '../../grader/reports/terminal-style.ts';
import type { SubmissionResult } from '../../grader/results/types.ts';
import { manySpecs } from './html/runs.ts';
import { crashed, fullMarks, loadError, loadErrorWithTests, portability, SAMPLE_SPECS, sampleRun, singleRun, starterLike, submission, testResult, timedOut } from './sample-run.ts';

// eslint-disable-next-line no-control-regex
const ESC = /\u001b/;

function lines(text: string): string[] {
  return text.split('\n');
}

describe('renderTerminal, one submission', () => {
  it('has a header, the tiers test by test, portability, scores and the Richardson level', () => {
    const text = renderTerminal(singleRun(portability()), { color: false });
    expect(text).toContain('submissions/carol⏎multi-line');
    expect(text).toMatch(/servers\s+simple, socket/);
    expect(text).toMatch(/tiers\s+core, level 2, level 3/);
    // The statement's names: core, then Level 2 and Level 3 (starter/README.md's headings).
    for (const heading of ['Core: the exercise', 'Level 2: REST extras', 'Level 3: hypermedia and caching', 'Portability', 'Scores']) {
      expect(lines(text)).toContainEqual(expect.stringContaining(heading));
    }
    expect(text).toMatch(/± POST with an empty body answers 400, not a crash\s+✓ simple ✗ socket\s+1\/2/);
    const verbose = renderTerminal(singleRun(portability()), { color: false, verbose: true });
    expect(verbose).toMatch(/✓ GET \/todos answers 200 with a JSON array\s+✓ simple ✓ socket\s+2\/2/);
    expect(text).toMatch(/total\s+10\.5 \/ 14/);
    expect(text).toMatch(/on simple\s+5\.5 \/ 7/);
    expect(text).toContain('Richardson maturity: level 2 (HTTP verbs and status codes)');
  });

  it('explains a failure: request, response, expected, why, hint, violation and replay', () => {
    const text = renderTerminal(singleRun(portability()), { color: false });
    expect(text).toContain('✗ on simple: The app broke the WSGI contract');
    expect(text).toMatch(/sent\s+PUT \/todos/);
    expect(text).toMatch(/received\s+500 Internal Server Error/);
    expect(text).toMatch(/expected\s+status 405/);
    expect(text).toMatch(/why\s+Allow: a 405 lists the methods/);
    expect(text).toMatch(/hint\s+Answer 405 and add/);
    expect(text).toMatch(/contract\s+start_response\.header-not-string/);
    expect(text).toMatch(/fix\s+Pass header values as strings/);
    expect(text).toMatch(/replay\s+with `npm run serve` running/);
    expect(text).toContain("curl -i -X PUT 'http://127.0.0.1:8000/todos'");
  });

  it('lists portability differences with the environ values that differed', () => {
    const text = renderTerminal(singleRun(portability()), { color: false });
    expect(text).toContain('2 tests pass on one server only');
    expect(text).toContain('passes on simple, fails on socket');
    expect(text).toContain('CONTENT_LENGTH: "" (simple) vs absent (socket)');
    expect(text).toContain('HTTP_CONNECTION: absent (simple) vs "keep-alive" (socket)');
    expect(renderTerminal(singleRun(fullMarks()), { color: false })).toContain('Same results on both servers.');
  });

  it('explains identical failures on both servers once', () => {
    const text = renderTerminal(singleRun(starterLike()), { color: false });
    expect(text).toContain('✗ on simple and socket: Expected status 200, got 501');
    expect(text).not.toContain('✗ on simple: Expected status 200, got 501');
  });

  it('says where to start when everything fails with the starter\'s 501s', () => {
    const text = renderTerminal(singleRun(starterLike()), { color: false });
    expect(text).toContain('Where to start');
    expect(text).toContain('Start with GET /todos in starter/app.ts');
    expect(renderTerminal(singleRun(fullMarks()), { color: false })).not.toContain('Where to start');
  });

  it('explains the first failures and counts the rest, all of them with verbose', () => {
    const short = renderTerminal(singleRun(starterLike()), { color: false });
    expect(short).toMatch(/✗ 3 more tests fail \(--verbose lists them\)/);
    expect(short).toMatch(/✗ all 2 tests fail \(--verbose lists them\)/);
    expect(short.match(/✗ on simple and socket/g)?.length).toBe(3);
    const long = renderTerminal(singleRun(starterLike()), { color: false, verbose: true });
    expect(long).not.toMatch(/more failing tests not explained here/);
    expect(long.match(/✗ on simple and socket/g)?.length).toBe(starterLike().tests.length);
  });

  it('shows a load error as one clear block', () => {
    const text = renderTerminal(singleRun(loadError()), { color: false });
    expect(text).toContain("✗ Could not load the submission: app.ts:12:5: Expected ';' but found 'const'");
    expect(text).toContain('Nothing could be graded');
    expect(text).not.toContain('Core: the exercise');
  });

  it('says when a run timed out or crashed', () => {
    expect(renderTerminal(singleRun(timedOut()), { color: false })).toContain('Stopped at the time limit');
    expect(renderTerminal(singleRun(crashed()), { color: false })).toContain('The app process crashed');
  });

  it('excerpts long bodies and neutralises control characters from the app', () => {
    const text = renderTerminal(singleRun(crashed()), { color: false });
    expect(text).toMatch(/… \[truncated \d+ bytes\]/);
    expect(text).toContain('\\u0001');
    expect(text.length).toBeLessThan(20_000);
  });

  it('marks hidden tests', () => {
    expect(renderTerminal(singleRun(fullMarks()), { color: false, verbose: true })).toContain('(hidden)');
    expect(renderTerminal(singleRun(portability()), { color: false })).toContain('(hidden)');
  });
});

describe('renderTerminal, colour', () => {
  const runs = [singleRun(portability()), singleRun(loadError()), singleRun(crashed()), sampleRun()];

  it('has no escape codes at all without colour, even when the app sent some', () => {
    const sub = starterLike();
    const ex = sub.tests[0]?.outcomes.simple?.transcript[0];
    if (ex?.response) ex.response.body = '\u001b[31mred\u001b[0m\u001b]0;title\u0007';
    for (const run of [...runs, singleRun(sub)]) {
      expect(renderTerminal(run, { color: false })).not.toMatch(ESC);
      expect(renderTerminal(run, { color: false, verbose: true })).not.toMatch(ESC);
    }
  });

  it('has ANSI colours with colour', () => {
    for (const run of runs) expect(renderTerminal(run, { color: true })).toMatch(/\u001b\[3[1-6]m/);
  });
});

describe('renderTerminal, class run', () => {
  const run = sampleRun();
  const text = renderTerminal(run, { color: false });

  it('has a compact table: name, status, score, tiers, Richardson, portability', () => {
    const table = lines(text);
    const head = table.find((l) => l.startsWith('name'));
    expect(head).toMatch(/name\s+status\s+score\s+core\s+level 2\s+level 3\s+RMM\s+port/);
    expect(text).not.toMatch(/tier [23]/i);
    expect(table.find((l) => l.startsWith('alice'))).toMatch(/alice\s+graded\s+14\/14\s+10\/10\s+2\/2\s+2\/2\s+3\s+0$/);
    expect(table.find((l) => l.startsWith('carol'))).toMatch(/graded\s+10\.5\/14\s+9\/10\s+1\.5\/2\s+0\/2\s+2\s+2$/);
    expect(table.find((l) => l.startsWith('bob'))).toMatch(/load-error\s+0\/14/);
  });

  it('puts each submission on one line whatever its name', () => {
    for (const sub of run.submissions) {
      const first = sub.name.split('\n')[0] ?? '';
      expect(lines(text).filter((l) => l.startsWith(first.slice(0, 5)) && /graded|load-error|timeout|crashed/.test(l)).length).toBeGreaterThan(0);
    }
    expect(text).toContain('carol⏎multi-line');
  });

  it('lists submissions not fully graded, and the tests most of the class failed', () => {
    expect(text).toContain('Not fully graded');
    expect(text).toContain("bob, \"the builder\": Could not load the submission");
    expect(text).toContain('Tests most of the class failed');
    expect(text).toMatch(/4\/5\s+PUT \/todos answers 405 with an Allow header/);
  });

  it('stays within 80 columns', () => {
    for (const r of [run, ...run.submissions.map((s) => singleRun(s))]) {
      for (const line of lines(renderTerminal(r, { color: false }))) {
        // curl commands may keep one long word (a URL) whole; nothing else may overflow.
        if (line.includes('http://')) continue;
        expect(width(line), line).toBeLessThanOrEqual(80);
      }
    }
  });

  it('honours a wider width', () => {
    const wide = renderTerminal(singleRun(portability()), { color: false, width: 120 });
    expect(Math.max(...lines(wide).map(width))).toBeGreaterThan(80);
  });
});

describe('renderTerminal, a load error reported with its tests', () => {
  it('still shows one block, not every test failed for the same reason', () => {
    const text = renderTerminal(singleRun(loadErrorWithTests()), { color: false });
    expect(text).toContain('✗ Could not load the submission: app.ts:3:1');
    expect(text).not.toContain('Core: the exercise');
    expect(text).toMatch(/total\s+0 \/ 14/);
  });
});

describe('renderTerminal, length: passing tests fold, where to start comes first', () => {
  /** A full score over a suite the size of the real one (60 tests). */
  function bigFullMarks(): SubmissionResult {
    const specs = manySpecs(6);
    const maxScore = specs.reduce((n, s) => n + s.points, 0);
    return submission('alice', specs.map((s) => testResult(s, { kind: 'pass' })), { richardsonLevel: 3, maxScore });
  }

  it('folds a full score into one line per tier: it fits on one screen (30 lines)', () => {
    const text = renderTerminal(singleRun(bigFullMarks()), { color: false }).trimEnd();
    expect(lines(text).length).toBeLessThanOrEqual(30);
    expect(text).toMatch(/^ {2}✓ all 36 tests pass on simple and socket \(--verbose lists them\)$/m);
    expect(text).toMatch(/^ {2}✓ all 12 tests pass on simple and socket/m);
    expect(text).not.toContain('GET /todos answers 200 with a JSON array');
  });

  it('lists every passing test with --verbose', () => {
    const text = renderTerminal(singleRun(bigFullMarks()), { color: false, verbose: true });
    expect(text.match(/✓ simple ✓ socket/g)?.length).toBe(60);
    expect(text).not.toContain('--verbose lists them');
  });

  it('folds the passing tests of a tier and lists the failing ones', () => {
    const text = renderTerminal(singleRun(portability()), { color: false });
    expect(text).toMatch(/^ {2}✓ 5 tests pass on simple and socket/m);
    expect(text).toMatch(/^ {2}✓ 1 test passes on simple and socket/m);
    const one = renderTerminal(singleRun(submission('solo', [testResult(SAMPLE_SPECS[0]!, { kind: 'pass' })])), { color: false });
    expect(one).toMatch(/^ {2}✓ 1 test passes on simple and socket \(--verbose lists them\)$/m);
    expect(text).not.toMatch(/✓ simple ✓ socket/);
    expect(text).toMatch(/± PUT \/todos answers 405 with an Allow header/);
  });

  it('puts where to start before the tests when nothing passes, and only the first failures', () => {
    const text = renderTerminal(singleRun(starterLike()), { color: false });
    const start = text.indexOf('Where to start');
    expect(start).toBeGreaterThan(0);
    expect(start).toBeLessThan(text.indexOf('Core: the exercise'));
    expect(text.match(/Where to start/g)).toHaveLength(1);
  });
});
