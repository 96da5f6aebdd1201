import { describe, expect, test } from 'vitest';
import type { Exchange, ServerName, ServerOutcome, TestResult } from '../../grader/results/types.ts';
import { environDiff, portabilityOf } from '../../grader/engine/portability.ts';
import { richardsonLevel, scoreTests } from '../../grader/engine/scoring.ts';

const SERVERS = ['simple', 'socket'] as const;

function outcome(server: ServerName, passed: boolean, points: number, environ?: Record<string, string>): ServerOutcome {
  const transcript: Exchange[] = [{ request: { method: 'POST', target: '/', headers: [] }, durationMs: 1, ...(environ ? { environ } : {}) }];
  return { server, status: passed ? 'passed' : 'failed', score: passed ? points / 2 : 0, maxScore: points / 2, transcript, curl: [], durationMs: 1 };
}

function result(id: string, tier: TestResult['tier'], points: number, simple: boolean, socket: boolean, richardson?: 1 | 2 | 3): TestResult {
  return {
    id, title: id, tier, points, visibility: 'visible', rule: '', ...(richardson ? { richardson } : {}),
    outcomes: { simple: outcome('simple', simple, points), socket: outcome('socket', socket, points) },
  };
}

describe('scores', () => {
  test('points are split between the servers and summed per tier and per server', () => {
    const scores = scoreTests([result('a', 'core', 2, true, true), result('b', 'core', 1, true, false), result('c', '2', 3, false, false)], SERVERS);
    expect(scores.score).toBe(2.5);
    expect(scores.maxScore).toBe(6);
    expect(scores.tiers).toEqual({ core: { score: 2.5, max: 3 }, 2: { score: 0, max: 3 } });
    expect(scores.servers).toEqual({ simple: { score: 1.5, max: 3 }, socket: { score: 1, max: 3 } });
  });

  test('Richardson level: every test tagged up to L passed on every server', () => {
    const l1 = result('l1', 'core', 1, true, true, 1);
    const l2 = result('l2', 'core', 1, true, true, 2);
    const l2bad = result('l2b', 'core', 1, true, false, 2);
    const l3 = result('l3', '3', 1, true, true, 3);
    expect(richardsonLevel([l1, l2, l3], SERVERS)).toBe(3);
    expect(richardsonLevel([l1, l2bad, l3], SERVERS)).toBe(1);
    expect(richardsonLevel([result('l1b', 'core', 1, false, true, 1), l2, l3], SERVERS)).toBe(0);
    // A level no test is evidence for is not reached (e.g. --tier core has no level-3 tests).
    expect(richardsonLevel([l1, l2], SERVERS)).toBe(2);
    expect(richardsonLevel([l1, l3], SERVERS)).toBe(1);
  });

  test('Richardson level: a skipped test neither holds a level back nor is evidence for one', () => {
    const l1 = result('l1', 'core', 1, true, true, 1);
    const l2 = result('l2', 'core', 1, true, true, 2);
    const skip = (test: TestResult): TestResult => ({
      ...test,
      outcomes: Object.fromEntries(Object.entries(test.outcomes).map(([server, o]) => [server, { ...o, status: 'skipped', score: 0, maxScore: 0 }])),
    });
    expect(richardsonLevel([l1, skip(result('l1s', 'core', 1, false, false, 1)), l2], SERVERS)).toBe(2);
    expect(richardsonLevel([l1, skip(result('l2s', 'core', 1, false, false, 2))], SERVERS)).toBe(1);
  });
});

describe('portability', () => {
  test('names the environ keys that differed, absent keys first, ports ignored', () => {
    const simple = [{ request: { method: 'POST', target: '/', headers: [] }, durationMs: 1,
      environ: { CONTENT_LENGTH: '', CONTENT_TYPE: 'text/plain', SERVER_NAME: 'host', SERVER_PORT: '1', HTTP_HOST: 'h:1', 'simple.request_number': '3' } }];
    const socket = [{ request: { method: 'POST', target: '/', headers: [] }, durationMs: 1,
      environ: { SERVER_NAME: 'socket.invalid', SERVER_PORT: '2', HTTP_HOST: 'h:2' } }];
    expect(environDiff(simple, socket, ['simple', 'socket'])).toEqual([
      { key: 'CONTENT_LENGTH', simple: '' },
      { key: 'CONTENT_TYPE', simple: 'text/plain' },
      { key: 'SERVER_NAME', simple: 'host', socket: 'socket.invalid' },
    ]);
  });

  test('only a test that passed on one server and failed on the other is a portability finding', () => {
    const test1: TestResult = {
      ...result('x', 'core', 1, false, true),
      outcomes: { simple: outcome('simple', false, 1, { CONTENT_TYPE: 'text/plain' }), socket: outcome('socket', true, 1, {}) },
    };
    expect(portabilityOf(test1, SERVERS)).toEqual({ passedOn: 'socket', failedOn: 'simple', environDiff: [{ key: 'CONTENT_TYPE', simple: 'text/plain' }] });
    expect(portabilityOf(result('y', 'core', 1, true, true), SERVERS)).toBeUndefined();
    expect(portabilityOf(result('z', 'core', 1, false, false), SERVERS)).toBeUndefined();
  });

  test('with prefork too, the first server it passed on is compared with the first it failed on; a skipped one is left out', () => {
    const three: TestResult = {
      ...result('w', 'core', 3, true, true),
      outcomes: {
        simple: outcome('simple', true, 3, { CONTENT_LENGTH: '' }),
        socket: outcome('socket', true, 3, {}),
        prefork: outcome('prefork', false, 3, { 'wsgi.multiprocess': 'true' }),
      },
    };
    expect(portabilityOf(three, ['simple', 'socket', 'prefork'])).toEqual({ passedOn: 'simple', failedOn: 'prefork', environDiff: [{ key: 'CONTENT_LENGTH', simple: '' }] });
    const skipped: TestResult = { ...three, outcomes: { ...three.outcomes, prefork: { ...outcome('prefork', false, 3), status: 'skipped' } } };
    expect(portabilityOf(skipped, ['simple', 'socket', 'prefork'])).toBeUndefined();
  });
});
