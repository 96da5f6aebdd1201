import { describe, expect, it } from 'vitest';
import { Reachability, UNREACHABLE_AFTER, unreachableDetail } from '../../grader/engine/worker/reachability.ts';

const refused = { answered: false, connectError: 'the app process refused the connection' };

describe('Reachability', () => {
  it('says unreachable only when every test failed to connect and nothing reached the app', () => {
    const reach = new Reachability('simple');
    expect(reach.verdict).toBeUndefined();
    reach.noteTest(refused);
    expect(reach.verdict).toEqual({ server: 'simple', error: refused.connectError });
    expect(reach.tripped).toBeUndefined();
    for (let i = 1; i < UNREACHABLE_AFTER; i++) reach.noteTest(refused);
    expect(reach.tripped?.message).toBe('not run: the grader could not connect to the app on simple (the app process refused the connection)');
    expect(reach.tripped?.why).toContain('not with the submitted code');
  });

  it('is reached by one answer, whatever its status', () => {
    const reach = new Reachability('socket');
    reach.noteTest({ answered: true });
    for (let i = 0; i < 5; i++) reach.noteTest(refused);
    expect(reach.verdict).toBeUndefined();
    expect(reach.tripped).toBeUndefined();
  });

  it('is reached when the app recorded a request, even with no answer', () => {
    const reach = new Reachability('simple');
    for (let i = 0; i < 5; i++) reach.noteTest(refused);
    reach.noteRecords(1);
    expect(reach.verdict).toBeUndefined();
  });

  it('does not count a test that connected and timed out as a failure to connect', () => {
    const reach = new Reachability('simple');
    reach.noteTest({ answered: false });
    for (let i = 0; i < 5; i++) reach.noteTest(refused);
    expect(reach.verdict).toBeUndefined();
    expect(reach.tripped).toBeUndefined();
  });

  it('names every unreachable server once, and each distinct error', () => {
    expect(unreachableDetail([{ server: 'simple', error: 'reset' }, { server: 'socket', error: 'reset' }]))
      .toBe('the grader could not connect to the app on simple and socket, although the app loaded and kept running: no request reached it (connection error: reset)');
    expect(unreachableDetail([{ server: 'simple', error: 'reset' }, { server: 'socket', error: 'refused' }, { server: 'prefork', error: 'reset' }]))
      .toMatch(/^the grader could not connect to the app on simple, socket and prefork, .*\(connection error: reset; refused\)$/);
  });
});
