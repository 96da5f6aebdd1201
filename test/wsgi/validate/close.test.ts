import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Application } from '../../../grader/wsgi/types.ts';
import { validate } from '../../../grader/wsgi/validate/index.ts';
import { TEXT, encode, expectViolation, makeEnviron, serve } from './harness.ts';

const app: Application = function* (_environ, startResponse) {
  startResponse('200 OK', TEXT);
  yield encode('one');
  yield encode('two');
};

const noop = () => () => {};
const endOfMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('validate: the server must not iterate after close()', () => {
  it('refuses next() after close() (server side)', async () => {
    const body = validate(app)(makeEnviron().environ, noop);
    const iterator = body[Symbol.iterator]();
    iterator.next();
    body.close?.();
    const found = await expectViolation(() => iterator.next(), 'iterable-used-after-close');
    expect(found.side).toBe('server');
  });
});

describe('validate: the server must call close()', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports an iterable iterated to its end but not closed: on wsgi.errors, then from the next call', async () => {
    const validated = validate(app);
    const served = makeEnviron();
    const body = validated(served.environ, noop);
    expect([...body].length).toBe(2);
    await endOfMacrotask();
    expect(served.errors.text).toContain('[iterable-not-closed]');
    expect(served.errors.text).toContain('GET /todos');

    const found = await expectViolation(() => validated(makeEnviron().environ, noop), 'iterable-not-closed');
    expect(found.side).toBe('server');
    // Reported once: the call after that is served normally.
    expect(serve(validated).body).toBe('onetwo');
  });

  it('reports an iteration that ended with an error and was not closed', async () => {
    const failing: Application = function* (_e, startResponse) {
      startResponse('200 OK', TEXT);
      yield encode('one');
      throw new Error('boom');
    };
    const validated = validate(failing);
    const served = makeEnviron();
    const body = validated(served.environ, noop);
    expect(() => [...body]).toThrow('boom');
    await endOfMacrotask();
    expect(served.errors.text).toContain('[iterable-not-closed]');
  });

  it('reports a for...of loop left early (return()) without close()', async () => {
    const validated = validate(app);
    const served = makeEnviron();
    for (const chunk of validated(served.environ, noop)) {
      expect(chunk).toEqual(encode('one'));
      break;
    }
    await endOfMacrotask();
    expect(served.errors.text).toContain('[iterable-not-closed]');
  });

  it('is quiet when close() comes in a finally, or after awaiting settled promises', async () => {
    const validated = validate(app);
    const served = makeEnviron();
    const body = validated(served.environ, noop);
    for (const _chunk of body) await Promise.resolve();
    await Promise.resolve();
    body.close?.();
    await endOfMacrotask();
    expect(served.errors.text).toBe('');
    expect(serve(validated).body).toBe('onetwo');
  });

  it('is quiet when the server closes before the end (a client went away)', async () => {
    const validated = validate(app);
    const served = makeEnviron();
    const body = validated(served.environ, noop);
    body[Symbol.iterator]().next();
    body.close?.();
    await endOfMacrotask();
    expect(served.errors.text).toBe('');
  });

  it('waits closeGraceMs for a server that closes after its socket I/O', async () => {
    vi.useFakeTimers();
    const validated = validate(app, { closeGraceMs: 1000 });
    const onTime = makeEnviron();
    const first = validated(onTime.environ, noop);
    [...first];
    vi.advanceTimersByTime(999);
    first.close?.();
    vi.advanceTimersByTime(10);
    expect(onTime.errors.text).toBe('');

    const late = makeEnviron();
    const second = validated(late.environ, noop);
    [...second];
    vi.advanceTimersByTime(1000);
    expect(late.errors.text).toContain('[iterable-not-closed]');
    second.close?.();
    await expectViolation(() => validated(makeEnviron().environ, noop), 'iterable-not-closed');
  });

  it('catches an iterable dropped without finishing or closing once it is garbage-collected', async () => {
    const fixture = fileURLToPath(new URL('./gc-fixture.ts', import.meta.url));
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--expose-gc', '--import', 'tsx', fixture], (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(stdout);
      });
    });
    const result = JSON.parse(output) as { gc: boolean; errors: string; code?: string };
    expect(result.gc).toBe(true);
    expect(result.errors).toContain('garbage-collected without close()');
    expect(result.code).toBe('iterable-not-closed');
  });
});
