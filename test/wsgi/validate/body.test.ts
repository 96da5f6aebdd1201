import { describe, expect, it } from 'vitest';
import type { Application, Bytes, Header } from '../../../grader/wsgi/types.ts';
import { validate } from '../../../grader/wsgi/validate/index.ts';
import { TEXT, answer, encode, expectViolation, serve } from './harness.ts';

const withLength = (length: string): Header[] => [...TEXT, ['Content-Length', length]];

describe('validate: Content-Length', () => {
  it.each(['abc', '-1', '1.5', ' 2', ''])('refuses the value %j', async (value) => {
    await expectViolation(() => serve(validate(answer('200 OK', withLength(value), encode('hi')))), 'content-length-format');
  });

  it('refuses two Content-Length headers', async () => {
    const headers: Header[] = [...withLength('2'), ['content-length', '2']];
    await expectViolation(() => serve(validate(answer('200 OK', headers, encode('hi')))), 'content-length-format');
  });

  it('refuses a body longer than declared, hinting at text.length vs bytes', async () => {
    const text = 'café';
    const app: Application = function* (_e, startResponse) {
      startResponse('200 OK', withLength(String(text.length)));
      yield encode(text);
    };
    const found = await expectViolation(() => serve(validate(app)), 'content-length-exceeded');
    expect(found.fix).toContain('Buffer.byteLength');
    expect(found.message).toContain('5 bytes');
  });

  it('refuses an array body longer than declared before anything is sent', async () => {
    const app = answer('200 OK', withLength('2'), encode('hello'));
    await expectViolation(() => serve(validate(app)), 'content-length-exceeded');
  });

  it('counts write() towards Content-Length', async () => {
    const app: Application = (_e, startResponse) => {
      const write = startResponse('200 OK', withLength('3'));
      write(encode('ab'));
      write(encode('cd'));
      return [];
    };
    await expectViolation(() => serve(validate(app)), 'content-length-exceeded');
  });

  it('refuses a body shorter than declared when the iterable ends', async () => {
    const app: Application = function* (_e, startResponse) {
      startResponse('200 OK', withLength('10'));
      yield encode('hi');
    };
    const found = await expectViolation(() => serve(validate(app)), 'content-length-short');
    expect(found.message).toContain('after 2 bytes');
  });

  it('accepts a HEAD response that announces the length of the body it leaves out', () => {
    const served = serve(validate(answer('200 OK', withLength('42'))), { method: 'HEAD' });
    expect(served.status).toBe('200 OK');
  });

  it('accepts a 304 with the representation\'s Content-Length and no body', () => {
    const served = serve(validate(answer('304 Not Modified', [['ETag', '"v1"'], ['Content-Length', '42']])));
    expect(served.body).toBe('');
  });

  it('follows the Content-Length of the last start_response() (exc_info)', () => {
    const app: Application = (_e, startResponse) => {
      startResponse('200 OK', withLength('100'));
      startResponse('500 Internal Server Error', withLength('5'), new Error('boom'));
      return [encode('oops!')];
    };
    expect(serve(validate(app)).status).toBe('500 Internal Server Error');
  });
});

describe('validate: 204 and 304 have no body', () => {
  it('refuses a body on 204', async () => {
    await expectViolation(() => serve(validate(answer('204 No Content', [], encode('{}')))), 'body-on-bodiless-status');
  });

  it('refuses a body on 304, written or yielded', async () => {
    const app: Application = (_e, startResponse) => {
      startResponse('304 Not Modified', [])(encode('x'));
      return [];
    };
    await expectViolation(() => serve(validate(app)), 'body-on-bodiless-status');
  });
});

describe('validate: write()', () => {
  it('refuses text, teaching Buffer.from()', async () => {
    const app: Application = (_e, startResponse) => {
      const write = startResponse('200 OK', TEXT) as (data: unknown) => void;
      write('hello');
      return [];
    };
    const found = await expectViolation(() => serve(validate(app)), 'write-not-bytes');
    expect(found.fix).toContain('Buffer.from(text)');
  });

  it('refuses other than one argument', async () => {
    const app: Application = (_e, startResponse) => {
      const write = startResponse('200 OK', TEXT) as (...data: unknown[]) => void;
      write(encode('a'), encode('b'));
      return [];
    };
    await expectViolation(() => serve(validate(app)), 'write-not-bytes');
  });

  it('refuses write() from within the returned iterable', async () => {
    const app: Application = function* (_e, startResponse) {
      const write = startResponse('200 OK', TEXT);
      write(encode('from the generator'));
      yield new Uint8Array(0);
    };
    const found = await expectViolation(() => serve(validate(app)), 'write-after-return');
    expect(found.fix).toContain('Yield');
  });

  it('refuses write() after the application returned', async () => {
    let write: ((data: Bytes) => void) | undefined;
    const app: Application = (_e, startResponse) => {
      write = startResponse('200 OK', TEXT);
      return [];
    };
    serve(validate(app));
    await expectViolation(() => write?.(encode('late')), 'write-after-return');
  });
});
