import { describe, expect, it } from 'vitest';
import type { Application, Environ } from '../../../grader/wsgi/types.ts';
import { validate } from '../../../grader/wsgi/validate/index.ts';
import { TEXT, encode, expectViolation, makeEnviron, memoryErrors, memoryInput, serve } from './harness.ts';

let ran = false;
const app: Application = (_environ, startResponse) => {
  ran = true;
  startResponse('200 OK', TEXT);
  return [encode('ok')];
};

/** Serve with environ changes; the violation must come before the app runs, from the server's side. */
async function refused(changes: Record<string, unknown>, code: Parameters<typeof expectViolation>[1]): Promise<string> {
  ran = false;
  const found = await expectViolation(() => serve(validate(app), { environ: changes }), code);
  expect(found.side).toBe('server');
  expect(ran).toBe(false);
  return found.message;
}

describe('validate: environ (the server\'s side)', () => {
  it('accepts the harness environ, and one with a null prototype', () => {
    expect(serve(validate(app)).body).toBe('ok');
    const { environ } = makeEnviron();
    const bare = Object.assign(Object.create(null) as Environ, environ);
    expect(serve(validate(app), { rawEnviron: bare }).body).toBe('ok');
  });

  it('refuses an environ that is not a plain object', async () => {
    const { environ } = makeEnviron();
    class Env {}
    for (const raw of [new Map(Object.entries(environ)), Object.assign(new Env(), environ), null, 'environ']) {
      const found = await expectViolation(() => serve(validate(app), { rawEnviron: raw }), 'environ-type');
      expect(found.side).toBe('server');
    }
  });

  it.each([
    'REQUEST_METHOD', 'SERVER_NAME', 'SERVER_PORT', 'SERVER_PROTOCOL', 'wsgi.version', 'wsgi.url_scheme',
    'wsgi.input', 'wsgi.errors', 'wsgi.multithread', 'wsgi.multiprocess', 'wsgi.run_once',
  ])('requires %s', async (key) => {
    expect(await refused({ [key]: undefined }, 'environ-missing-key')).toContain(key);
  });

  it.each(['REQUEST_METHOD', 'SERVER_NAME', 'SERVER_PORT'])('requires %s to be non-empty', async (key) => {
    expect(await refused({ [key]: '' }, 'environ-missing-key')).toContain('empty');
  });

  it.each(['HTTP_CONTENT_TYPE', 'HTTP_CONTENT_LENGTH'])('refuses %s', async (key) => {
    await refused({ [key]: 'x' }, 'environ-http-content-header');
  });

  it('requires string values for CGI keys, but not for extension keys', async () => {
    await refused({ SERVER_PORT: 8000 }, 'environ-value-not-string');
    await refused({ HTTP_X_COUNT: ['1'] }, 'environ-value-not-string');
    expect(serve(validate(app), { environ: { 'simple.socket': { fd: 3 } } }).body).toBe('ok');
  });

  it('refuses characters outside ISO-8859-1 in CGI values, except in the UTF-8-decoded paths', async () => {
    await refused({ HTTP_X_TITLE: 'done ✓' }, 'environ-not-latin1');
    await refused({ QUERY_STRING: 'q=✓' }, 'environ-not-latin1');
    expect(serve(validate(app), { environ: { PATH_INFO: '/todos/✓', SCRIPT_NAME: '/für' } }).body).toBe('ok');
  });

  it.each<unknown>([[1, 1], '1.0', [1, 0, 0]])('refuses wsgi.version %j', async (version) => {
    await refused({ 'wsgi.version': version }, 'environ-wsgi-version');
  });

  it('refuses a url_scheme other than http or https', async () => {
    await refused({ 'wsgi.url_scheme': 'ftp' }, 'environ-url-scheme');
    expect(serve(validate(app), { environ: { 'wsgi.url_scheme': 'https' } }).body).toBe('ok');
  });

  it.each(['wsgi.multithread', 'wsgi.multiprocess', 'wsgi.run_once'])('requires %s to be a boolean', async (key) => {
    await refused({ [key]: 'false' }, 'environ-flag-type');
  });

  it.each(['read', 'readline', 'readlines', Symbol.iterator])('requires wsgi.input to have %s', async (method) => {
    const input: Record<string | symbol, unknown> = { ...memoryInput(encode('')) };
    delete input[method];
    await refused({ 'wsgi.input': input }, 'environ-input-methods');
  });

  it.each(['write', 'writelines', 'flush'])('requires wsgi.errors to have %s', async (method) => {
    const errors: Record<string, unknown> = { ...memoryErrors() };
    delete errors[method];
    await refused({ 'wsgi.errors': errors }, 'environ-errors-methods');
  });

  it('requires SCRIPT_NAME and PATH_INFO to be empty or start with "/"', async () => {
    await refused({ PATH_INFO: 'todos' }, 'environ-path');
    await refused({ SCRIPT_NAME: 'app' }, 'environ-path');
    await refused({ SCRIPT_NAME: undefined, PATH_INFO: undefined }, 'environ-path');
    expect(serve(validate(app), { environ: { SCRIPT_NAME: '/app', PATH_INFO: '' } }).body).toBe('ok');
    expect(serve(validate(app), { environ: { SCRIPT_NAME: undefined } }).body).toBe('ok');
    expect(serve(validate(app), { method: 'OPTIONS', path: '*' }).body).toBe('ok');
    await refused({ PATH_INFO: '*' }, 'environ-path');
  });

  it('refuses SCRIPT_NAME "/"', async () => {
    await refused({ SCRIPT_NAME: '/', PATH_INFO: '' }, 'environ-script-name-root');
  });

  it.each(['-1', 'abc', '1.5', ' 5'])('refuses CONTENT_LENGTH %j', async (length) => {
    await refused({ CONTENT_LENGTH: length }, 'environ-content-length');
  });

  it('accepts CONTENT_LENGTH absent, empty or a number', () => {
    for (const length of [undefined, '', '0', '12']) {
      expect(serve(validate(app), { environ: { CONTENT_LENGTH: length } }).body).toBe('ok');
    }
  });

  it('warns about an unknown REQUEST_METHOD on wsgi.errors, without failing', () => {
    const served = serve(validate(app), { method: 'BREW' });
    expect(served.body).toBe('ok');
    expect(served.errors).toContain('unknown REQUEST_METHOD');
    expect(served.errors).toContain('[unknown-request-method]');
    expect(serve(validate(app), { method: 'PATCH' }).errors).toBe('');
  });
});
