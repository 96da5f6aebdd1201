/**
 * validate(app, { onViolation }): a violation is reported the moment a check
 * finds it, so an application that catches what the check throws (its own
 * try/catch turning any error into 400) does not hide it.
 */
import { describe, expect, it } from 'vitest';
import type { Application, Environ } from '../../../grader/wsgi/types.ts';
import { validate } from '../../../grader/wsgi/validate/index.ts';
import type { WsgiViolation } from '../../../grader/wsgi/violation.ts';
import { encode, makeEnviron, serve, TEXT } from './harness.ts';

/** An app that does `attempt` inside a try/catch and answers 400 whatever it threw. */
function swallowing(attempt: (environ: Environ, startResponse: Parameters<Application>[1]) => void): Application {
  return (environ, startResponse) => {
    try {
      attempt(environ, startResponse);
    } catch {
      // "invalid body", whatever went wrong
    }
    startResponse('400 Bad Request', TEXT, new Error('replaced'));
    return [encode('invalid body')];
  };
}

function reported(app: Application, body = ''): { codes: string[]; environs: Environ[]; status: string | undefined } {
  const found: Array<[WsgiViolation, Environ]> = [];
  const served = serve(validate(app, { onViolation: (violation, environ) => found.push([violation, environ]) }), { method: 'POST', body });
  return { codes: found.map(([violation]) => violation.code), environs: found.map(([, environ]) => environ), status: served.status };
}

describe('violations the application catches are still reported', () => {
  it('read(NaN) — Number(CONTENT_LENGTH) on a request without one', () => {
    const result = reported(swallowing((environ) => environ['wsgi.input'].read(Number(undefined))));
    expect(result.status).toBe('400 Bad Request');
    expect(result.codes).toEqual(['input-read-args']);
  });

  it('reading past CONTENT_LENGTH, iterating wsgi.input with a bad size, writing bytes to wsgi.errors', () => {
    expect(reported(swallowing((environ) => environ['wsgi.input'].read(10)), 'abc').codes).toEqual(['input-read-past-content-length']);
    expect(reported(swallowing((environ) => (environ['wsgi.errors'].write as (x: unknown) => void)(encode('x')))).codes).toEqual(['errors-write-not-string']);
    expect(reported(swallowing((environ) => (environ['wsgi.input'].readline as (x: unknown) => void)('5'))).codes).toEqual(['input-read-args']);
  });

  it('a bad status given to startResponse, and bytes of text given to write()', () => {
    expect(reported(swallowing((_environ, startResponse) => startResponse('200', TEXT))).codes).toContain('status-format');
    const write = swallowing((_environ, startResponse) => {
      const send = startResponse('200 OK', TEXT) as (data: unknown) => void;
      send('text');
    });
    expect(reported(write).codes).toContain('write-not-bytes');
  });

  it('the environ reported is the one the server passed, not the application\'s copy', () => {
    const found: Environ[] = [];
    const { environ } = makeEnviron({ method: 'POST' });
    const app = validate(swallowing((env) => env['wsgi.input'].read(Number.NaN)), { onViolation: (_violation, seen) => found.push(seen) });
    serve(app, { rawEnviron: environ });
    expect(found).toEqual([environ]);
    expect(found[0]).toBe(environ);
  });

  it('an application that keeps the contract reports nothing, however it reads', () => {
    const readAll: Application = (environ, startResponse) => {
      const body = environ['wsgi.input'].read();
      startResponse('200 OK', TEXT);
      return [body];
    };
    expect(reported(readAll, '{"title":"x"}').codes).toEqual([]);
    const byLines: Application = (environ, startResponse) => {
      const lines = [...environ['wsgi.input']];
      startResponse('200 OK', TEXT);
      return lines;
    };
    expect(reported(byLines, 'a\nb\n').codes).toEqual([]);
  });

  it('without onViolation the validator only throws, as before', () => {
    const app = validate(swallowing((environ) => environ['wsgi.input'].read(Number.NaN)));
    expect(serve(app, { method: 'POST' }).status).toBe('400 Bad Request');
  });
});
