import { describe, expect, it } from 'vitest';
import type { Application, Environ, InputStream } from '../../../grader/wsgi/types.ts';
import { validate } from '../../../grader/wsgi/validate/index.ts';
import { TEXT, decode, encode, expectViolation, makeEnviron, memoryInput, serve } from './harness.ts';

/** An app that runs `use` on its environ, then answers 200 with what `use` returned. */
function using(use: (environ: Environ) => unknown): Application {
  return (environ, startResponse) => {
    const result = use(environ);
    startResponse('200 OK', TEXT);
    return [encode(typeof result === 'string' ? result : JSON.stringify(result ?? null))];
  };
}

describe('validate: wsgi.input, as the application uses it', () => {
  it('allows read() without a size (the rest), read(n) within the body, and read(0)', () => {
    expect(serve(validate(using((e) => decode(e['wsgi.input'].read()))), { method: 'POST', body: 'hello' }).body).toBe('hello');
    const exact = using((e) => decode(e['wsgi.input'].read(Number(e.CONTENT_LENGTH || 0))));
    expect(serve(validate(exact), { method: 'POST', body: 'hello' }).body).toBe('hello');
    expect(serve(validate(exact)).body).toBe('');
    const pieces = using((e) => [e['wsgi.input'].read(2), e['wsgi.input'].read(3), e['wsgi.input'].read(-1)].map(decode).join('|'));
    expect(serve(validate(pieces), { method: 'POST', body: 'hello' }).body).toBe('he|llo|');
  });

  it('allows readline(), readlines() and iteration, passing the lines through', () => {
    const body = 'a\nbb\nccc';
    const lines = using((e) => [...e['wsgi.input']].map(decode));
    expect(JSON.parse(serve(validate(lines), { method: 'POST', body }).body)).toEqual(['a\n', 'bb\n', 'ccc']);
    const mixed = using((e) => [decode(e['wsgi.input'].readline()), decode(e['wsgi.input'].readline(1)), ...e['wsgi.input'].readlines().map(decode)]);
    expect(JSON.parse(serve(validate(mixed), { method: 'POST', body }).body)).toEqual(['a\n', 'b', 'b\n', 'ccc']);
  });

  it.each<[string, (input: InputStream) => unknown, RegExp | undefined]>([
    ['read("5")', (i) => (i.read as (s: unknown) => unknown)('5'), /Number\(environ\.CONTENT_LENGTH\)/],
    ['read(NaN)', (i) => i.read(Number(undefined)), /NaN/],
    ['read(1, 2)', (i) => (i.read as (...s: unknown[]) => unknown)(1, 2), undefined],
    ['read(1.5)', (i) => i.read(1.5), undefined],
    ['readline(1, 2)', (i) => (i.readline as (...s: unknown[]) => unknown)(1, 2), undefined],
    ['readlines("x")', (i) => (i.readlines as (s: unknown) => unknown)('x'), undefined],
  ])('refuses %s', async (_name, call, hint) => {
    const found = await expectViolation(() => serve(validate(using((e) => call(e['wsgi.input']))), { method: 'POST', body: 'hello' }), 'input-read-args');
    if (hint) expect(found.fix).toMatch(hint);
  });

  it('refuses read(size) past CONTENT_LENGTH, explaining why it can block', async () => {
    const loop = using((e) => {
      const input = e['wsgi.input'];
      let text = '';
      for (let chunk = input.read(8192); chunk.length > 0; chunk = input.read(8192)) text += decode(chunk);
      return text;
    });
    const found = await expectViolation(() => serve(validate(loop), { method: 'POST', body: 'hello' }), 'input-read-past-content-length');
    expect(found.fix).toContain('blocks');
    expect(found.message).toContain('read(8192)');
  });

  it('treats an absent or empty CONTENT_LENGTH as no body', async () => {
    const app = using((e) => e['wsgi.input'].read(1024));
    await expectViolation(() => serve(validate(app)), 'input-read-past-content-length');
    await expectViolation(() => serve(validate(app), { environ: { CONTENT_LENGTH: '' } }), 'input-read-past-content-length');
  });

  it('refuses a read that goes past what earlier reads left', async () => {
    const app = using((e) => [e['wsgi.input'].read(3), e['wsgi.input'].read(3)]);
    await expectViolation(() => serve(validate(app), { method: 'POST', body: 'hello' }), 'input-read-past-content-length');
  });

  it('refuses closing wsgi.input or wsgi.errors', async () => {
    const input = using((e) => (e['wsgi.input'] as unknown as { close(): void }).close());
    await expectViolation(() => serve(validate(input)), 'stream-close');
    const errors = using((e) => (e['wsgi.errors'] as unknown as { close(): void }).close());
    await expectViolation(() => serve(validate(errors)), 'stream-close');
  });
});

describe('validate: wsgi.input, as the server provides it', () => {
  it('refuses an input that returns text (server side)', async () => {
    const textInput = { ...memoryInput(encode('x')), read: () => 'hello' } as unknown as InputStream;
    const app = using((e) => e['wsgi.input'].read());
    const found = await expectViolation(() => serve(validate(app), { environ: { 'wsgi.input': textInput } }), 'input-result-type');
    expect(found.side).toBe('server');
  });

  it('refuses readlines() returning something else than an array of bytes', async () => {
    const app = using((e) => e['wsgi.input'].readlines());
    for (const lines of ['a\nb', ['a\n', 'b']]) {
      const input = { ...memoryInput(encode('x')), readlines: () => lines } as unknown as InputStream;
      await expectViolation(() => serve(validate(app), { environ: { 'wsgi.input': input } }), 'input-result-type');
    }
  });
});

describe('validate: wsgi.errors', () => {
  it('passes text through', () => {
    const app = using((e) => {
      e['wsgi.errors'].write('one\n');
      e['wsgi.errors'].writelines(['two\n', 'three\n']);
      e['wsgi.errors'].flush();
    });
    expect(serve(validate(app)).errors).toBe('one\ntwo\nthree\n');
  });

  it.each<[string, (errors: Environ['wsgi.errors']) => void]>([
    ['write(42)', (e) => (e.write as (v: unknown) => void)(42)],
    ['write(bytes)', (e) => (e.write as (v: unknown) => void)(encode('x'))],
    ['write() with two arguments', (e) => (e.write as (...v: unknown[]) => void)('a', 'b')],
    ['writelines("abc")', (e) => (e.writelines as (v: unknown) => void)('abc')],
    ['writelines([1, 2])', (e) => (e.writelines as (v: unknown) => void)([1, 2])],
    ['writelines(42)', (e) => (e.writelines as (v: unknown) => void)(42)],
  ])('refuses %s', async (_name, call) => {
    const found = await expectViolation(() => serve(validate(using((e) => call(e['wsgi.errors'])))), 'errors-write-not-string');
    expect(found.side).toBe('application');
  });
});

describe('validate: the server keeps its own streams', () => {
  it('gives the app checked copies and leaves the server\'s environ untouched', () => {
    const { environ } = makeEnviron({ method: 'POST', body: 'hello' });
    const input = environ['wsgi.input'];
    let seen: Environ | undefined;
    const app: Application = (e, startResponse) => {
      seen = e;
      e['custom.key'] = 1;
      startResponse('200 OK', TEXT);
      return [];
    };
    const body = validate(app)(environ, () => () => {});
    body.close?.();
    expect(environ['wsgi.input']).toBe(input);
    expect(environ['custom.key']).toBeUndefined();
    // (compared by identity: an equality matcher would iterate, i.e. read, the streams)
    expect(seen?.['wsgi.input'] === input).toBe(false);
    expect(seen?.PATH_INFO).toBe('/todos');
    // The server may drain what the app left unread, without the app's limits.
    expect(decode(input.read(8192))).toBe('hello');
  });
});
