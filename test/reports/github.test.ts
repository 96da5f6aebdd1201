// The GitHub Actions report: workflow commands escaped so a title or message cannot end them early,
// annotations placed on the line where the app raised, the job summary's parts.
import { describe, expect, it } from 'vitest';
import type { SubmissionResult } from '../../grader/results/types.ts';
import {
  appLocation, escapeData, escapeProperty, githubAnnotations, githubOutputs, githubSummary, mainFile, SUMMARY_MAX_BYTES, workflowCommand,
} from '../../grader/reports/github.ts';
import { regradeDiff } from '../../grader/reports/regrade.ts';
import { crashed, fullMarks, loadError, portability, sampleRun, singleRun, starterLike } from './sample-run.ts';

const pathFor = (sub: SubmissionResult, file: string): string => `repo/${sub.name.length > 10 ? 'x' : sub.name}/${file}`;

describe('workflow commands', () => {
  it('escape %, CR and LF in data, and also : and , in properties', () => {
    expect(escapeData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(escapeProperty('a: b, c\n')).toBe('a%3A b%2C c%0A');
    expect(workflowCommand({ file: 'starter/app.ts', line: 12, col: 5, title: 'GET /todos: 200, JSON', message: 'line 1\nline 2' }))
      .toBe('::error file=starter/app.ts,line=12,col=5,title=GET /todos%3A 200%2C JSON::line 1%0Aline 2');
    expect(workflowCommand({ file: 'app.ts', title: 't', message: 'm' })).toBe('::error file=app.ts,title=t::m');
  });
});

describe('appLocation', () => {
  it('finds where the app raised, the last location in a message, and a load error\'s file:line', () => {
    expect(appLocation('expected 204, got 500 — the app raised TypeError: x (app.ts:38:13)')).toEqual({ file: 'app.ts', line: 38, col: 13 });
    expect(appLocation('raised at (lib/util.ts:3:1) then (routes.ts:7:2)')).toEqual({ file: 'routes.ts', line: 7, col: 2 });
    expect(appLocation("app.ts:12:5: Expected ';'")).toEqual({ file: 'app.ts', line: 12 });
    expect(appLocation('expected status 201, got 200')).toBeUndefined();
    expect(appLocation(undefined)).toBeUndefined();
  });

  it('names the student\'s file: the .ts file given, else app.ts', () => {
    expect(mainFile({ ...fullMarks(), path: 'class/alice.ts' })).toBe('alice.ts');
    expect(mainFile({ ...fullMarks(), path: 'class/alice' })).toBe('app.ts');
  });
});

describe('githubAnnotations', () => {
  it('gives one annotation per failing test, none for a passing submission', () => {
    expect(githubAnnotations(singleRun(fullMarks()), pathFor)).toEqual([]);
    const starter = starterLike();
    const annotations = githubAnnotations(singleRun(starter), pathFor);
    expect(annotations).toHaveLength(starter.tests.length);
    expect(annotations[0]).toMatchObject({ file: 'repo/starter/app.ts', title: `${starter.tests[0]!.title} (${starter.tests[0]!.id})` });
    expect(annotations[0]?.line).toBeUndefined();
    expect(annotations[0]?.message).toContain('why: ');
  });

  it('puts the located ones first (a step shows only its first 10), on their line', () => {
    const sub = starterLike();
    const last = sub.tests.at(-1)!;
    for (const o of Object.values(last.outcomes)) o!.failure = { message: 'expected 400, got 500 — the app raised Error: no (app.ts:21:3)' };
    const annotations = githubAnnotations(singleRun(sub), pathFor);
    expect(annotations[0]).toMatchObject({ line: 21, col: 3, title: `${last.title} (${last.id})` });
    expect(annotations.slice(1).every((a) => a.line === undefined)).toBe(true);
  });

  it('annotates a load error on its line, and a one-server failure says which', () => {
    expect(githubAnnotations(singleRun(loadError('bob')), pathFor)).toEqual([
      { file: 'repo/bob/app.ts', line: 12, title: 'The app could not be loaded', message: "Could not load the submission: app.ts:12:5: Expected ';' but found 'const'" },
    ]);
    const carol = githubAnnotations(singleRun(portability('carol')), pathFor);
    expect(carol.find((a) => a.title.includes('core.body.empty-content-length'))?.message).toContain('passes on simple, fails on socket');
  });
});

describe('githubSummary', () => {
  it('shows the score per level, the failing tests with why and hint, and the portability verdict', () => {
    const s = githubSummary(singleRun(portability('carol')));
    expect(s).toMatch(/^## ✗ todo-wsgi · carol: /);
    expect(s).toContain('| Core |');
    expect(s).toContain('| Level 2 (REST extras) |');
    expect(s).toContain('| Level 3 (hypermedia and caching) |');
    expect(s).toContain('**Portability: 2 tests pass on one server only;');
    expect(s).toContain('CONTENT\\_LENGTH: "" (simple) vs absent (socket)');
    expect(s).toMatch(/<details><summary><b>✗ POST with an empty body answers 400, not a crash<\/b>/);
    expect(s).toContain('- **why**: CONTENT\\_LENGTH may be empty or absent');
    expect(githubSummary(singleRun(fullMarks()))).toMatch(/^## ✓ todo-wsgi · alice: 14 \/ 14/);
  });

  it('escapes what a student controls, and stays under GitHub\'s cap', () => {
    const s = githubSummary(singleRun(crashed()));
    expect(Buffer.byteLength(s)).toBeLessThan(SUMMARY_MAX_BYTES + 64);
    expect(s).not.toContain('<b>=HYPERLINK');
    const huge = starterLike('<script>alert(1)</script>');
    expect(githubSummary(singleRun(huge))).not.toContain('<script>');
  });

  it('adds the regrade with --baseline: who changed, the tests that flipped', () => {
    const before = sampleRun([fullMarks('alice'), starterLike('bob')]);
    const alice = fullMarks('alice');
    for (const o of Object.values(alice.tests[0]!.outcomes)) Object.assign(o!, { status: 'failed', score: 0 });
    alice.score -= alice.tests[0]!.points;
    const s = githubSummary(sampleRun([alice, starterLike('bob')]), regradeDiff(before, sampleRun([alice, starterLike('bob')])));
    expect(s).toContain('### Regrade: 1 of 2 submissions changed score since the run of 2025-03-14 09:26 UTC');
    expect(s).toContain(`| alice | 14 → 12 | -2 | \`${alice.tests[0]!.id}\` passes → fails |`);
    expect(s.slice(s.indexOf('### Regrade'))).not.toMatch(/^\| bob /m);
  });

  it('lists a class as a table', () => {
    const s = githubSummary(sampleRun());
    expect(s).toMatch(/^## todo-wsgi · 6 submissions/);
    expect(s.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Submission') && !l.startsWith('| ---'))).toHaveLength(6);
  });
});

describe('githubOutputs', () => {
  it('gives score, maximum, counts and a result word', () => {
    expect(githubOutputs(singleRun(fullMarks()))).toEqual([['score', '14'], ['max-score', '14'], ['tests-passed', '10'], ['tests-failed', '0'], ['result', 'passed']]);
    expect(Object.fromEntries(githubOutputs(singleRun(loadError('bob'))))).toMatchObject({ result: 'load-error', score: '0' });
  });
});
