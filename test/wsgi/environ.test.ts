import { describe, expect, it } from 'vitest';
import { buildEnviron, type EnvironPolicy, type RequestHead } from '../../grader/wsgi/environ.ts';
import { decodePath, splitTarget } from '../../grader/wsgi/request-target.ts';

const WSGIREF_LIKE: EnvironPolicy = {
  serverName: 'host.example',
  missingContentType: 'text/plain',
  missingContentLength: '',
  underscoreHeaders: 'keep',
  duplicateSeparator: ',',
  multithread: false,
  multiprocess: false,
};
const WAITRESS_LIKE: EnvironPolicy = {
  serverName: 'socket.invalid',
  missingContentType: undefined,
  missingContentLength: undefined,
  underscoreHeaders: 'drop',
  duplicateSeparator: ', ',
  multithread: false,
  multiprocess: false,
};

function head(overrides: Partial<RequestHead> = {}): RequestHead {
  return { method: 'GET', target: '/', version: 'HTTP/1.1', headers: [['Host', 'example.org']], serverPort: 8080, ...overrides };
}

const noLog = (): void => undefined;
const build = (request: Partial<RequestHead>, policy = WSGIREF_LIKE, body = new Uint8Array()) =>
  buildEnviron(head(request), body, policy, noLog);

describe('buildEnviron (PEP 3333 "environ Variables")', () => {
  it('holds the CGI keys as strings and the wsgi.* keys', () => {
    const environ = build({ method: 'POST', target: '/todos?done=1', remoteAddress: '127.0.0.1' });
    expect(environ).toMatchObject({
      REQUEST_METHOD: 'POST',
      SCRIPT_NAME: '',
      PATH_INFO: '/todos',
      QUERY_STRING: 'done=1',
      SERVER_NAME: 'host.example',
      SERVER_PORT: '8080',
      SERVER_PROTOCOL: 'HTTP/1.1',
      REMOTE_ADDR: '127.0.0.1',
      HTTP_HOST: 'example.org',
      'wsgi.version': [1, 0],
      'wsgi.url_scheme': 'http',
      'wsgi.multithread': false,
      'wsgi.multiprocess': false,
      'wsgi.run_once': false,
    });
    for (const [key, value] of Object.entries(environ)) {
      if (!key.includes('.')) expect(typeof value, key).toBe('string');
    }
    expect(typeof environ['wsgi.input'].read).toBe('function');
    expect(typeof environ['wsgi.errors'].write).toBe('function');
  });

  it('is a fresh object each time', () => {
    expect(build({})).not.toBe(build({}));
  });

  it('gives wsgi.input the body and wsgi.errors the log', () => {
    const lines: string[] = [];
    const environ = buildEnviron(head(), new TextEncoder().encode('payload'), WSGIREF_LIKE, (line) => lines.push(line));
    expect(new TextDecoder().decode(environ['wsgi.input'].read())).toBe('payload');
    environ['wsgi.errors'].write('oops\n');
    expect(lines).toEqual(['oops']);
  });

  it('turns headers into HTTP_* keys: upper-case, "-" to "_", value trimmed', () => {
    const environ = build({ headers: [['X-Request-Id', '  abc \t'], ['accept', 'text/html']] });
    expect(environ.HTTP_X_REQUEST_ID).toBe('abc');
    expect(environ.HTTP_ACCEPT).toBe('text/html');
  });

  it('moves Content-Type and Content-Length to CONTENT_TYPE/CONTENT_LENGTH, never HTTP_CONTENT_*', () => {
    const environ = build({ headers: [['content-type', 'application/json'], ['Content-Length', '7']] });
    expect(environ.CONTENT_TYPE).toBe('application/json');
    expect(environ.CONTENT_LENGTH).toBe('7');
    expect(environ).not.toHaveProperty('HTTP_CONTENT_TYPE');
    expect(environ).not.toHaveProperty('HTTP_CONTENT_LENGTH');
  });

  it('never lets "Content_Type" in as HTTP_CONTENT_TYPE, even when "_" names are kept', () => {
    const environ = build({ headers: [['Content_Type', 'evil'], ['Content_Length', '99']] });
    expect(environ).not.toHaveProperty('HTTP_CONTENT_TYPE');
    expect(environ).not.toHaveProperty('HTTP_CONTENT_LENGTH');
    expect(environ.CONTENT_TYPE).toBe('text/plain');
  });

  describe('policy differences', () => {
    it('missing Content-Type: "text/plain" (wsgiref) or left out (waitress)', () => {
      expect(build({}, WSGIREF_LIKE).CONTENT_TYPE).toBe('text/plain');
      expect(build({}, WAITRESS_LIKE)).not.toHaveProperty('CONTENT_TYPE');
    });

    it('missing Content-Length: "" (wsgiref) or left out (waitress)', () => {
      expect(build({}, WSGIREF_LIKE).CONTENT_LENGTH).toBe('');
      expect(build({}, WAITRESS_LIKE)).not.toHaveProperty('CONTENT_LENGTH');
    });

    it('header names with "_": kept and merged, or dropped against spoofing', () => {
      const headers: Array<[string, string]> = [['X-Forwarded-For', '10.0.0.1'], ['X_Forwarded_For', '6.6.6.6']];
      expect(build({ headers }, WSGIREF_LIKE).HTTP_X_FORWARDED_FOR).toBe('10.0.0.1,6.6.6.6');
      expect(build({ headers }, WAITRESS_LIKE).HTTP_X_FORWARDED_FOR).toBe('10.0.0.1');
      expect(build({ headers: [['My_Header', 'x']] }, WAITRESS_LIKE)).not.toHaveProperty('HTTP_MY_HEADER');
    });

    it('duplicate headers are joined with "," or ", " in arrival order', () => {
      const headers: Array<[string, string]> = [['Accept', 'a/b'], ['X-Other', '1'], ['accept', 'c/d']];
      expect(build({ headers }, WSGIREF_LIKE).HTTP_ACCEPT).toBe('a/b,c/d');
      expect(build({ headers }, WAITRESS_LIKE).HTTP_ACCEPT).toBe('a/b, c/d');
    });

    it('SERVER_NAME and the multithread/multiprocess flags come from the policy', () => {
      const environ = build({}, { ...WAITRESS_LIKE, multiprocess: true });
      expect(environ.SERVER_NAME).toBe('socket.invalid');
      expect(environ['wsgi.multiprocess']).toBe(true);
    });

    it('adds the server\'s extension keys, which must be lower-case and prefixed', () => {
      let count = 0;
      const policy: EnvironPolicy = { ...WSGIREF_LIKE, extensions: () => ({ 'simple.request_number': ++count }) };
      expect(build({}, policy)['simple.request_number']).toBe(1);
      expect(build({}, policy)['simple.request_number']).toBe(2);
      expect(() => build({}, { ...WSGIREF_LIKE, extensions: () => ({ Request: 1 }) })).toThrow(/lower-case and prefixed/);
      expect(() => build({}, { ...WSGIREF_LIKE, extensions: () => ({ 'wsgi.extra': 1 }) })).toThrow(/prefixed/);
    });
  });

  it('a decoded chunked body shows as CONTENT_LENGTH, without HTTP_TRANSFER_ENCODING', () => {
    const body = new TextEncoder().encode('twelve bytes');
    const headers: Array<[string, string]> = [['Host', 'h'], ['Transfer-Encoding', 'chunked']];
    for (const policy of [WSGIREF_LIKE, WAITRESS_LIKE]) {
      const environ = buildEnviron(head({ headers, chunked: true }), body, policy, noLog);
      expect(environ.CONTENT_LENGTH).toBe('12');
      expect(environ).not.toHaveProperty('HTTP_TRANSFER_ENCODING');
    }
  });

  it('leaves REMOTE_ADDR out when the address is unknown', () => {
    expect(build({})).not.toHaveProperty('REMOTE_ADDR');
  });

  it('reports HTTP/1.0 as SERVER_PROTOCOL', () => {
    expect(build({ version: 'HTTP/1.0' }).SERVER_PROTOCOL).toBe('HTTP/1.0');
  });
});

describe('request-target to PATH_INFO and QUERY_STRING (RFC 9112 §3.2)', () => {
  it('percent-decodes PATH_INFO as UTF-8 and leaves QUERY_STRING raw', () => {
    const environ = build({ target: '/caf%C3%A9/a%20b%2Fc+d?q=caf%C3%A9+x&y' });
    expect(environ.PATH_INFO).toBe('/café/a b/c+d');
    expect(environ.QUERY_STRING).toBe('q=caf%C3%A9+x&y');
  });

  it('keeps invalid escapes and bytes that are not UTF-8 as written', () => {
    expect(decodePath('/100%/x%zz/%4')).toBe('/100%/x%zz/%4');
    expect(decodePath('/%FF%41')).toBe('/%FFA');
    expect(decodePath('/%C3%28')).toBe('/%C3(');
    expect(decodePath('/%E2%82')).toBe('/%E2%82');
    expect(decodePath('/%ED%A0%80')).toBe('/%ED%A0%80'); // an encoded surrogate is not UTF-8
    expect(decodePath('/é%C3%A9')).toBe('/éé');
  });

  it('accepts the absolute form and drops its authority', () => {
    const environ = build({ target: 'http://example.org:8080/items/1?x=2' });
    expect(environ.PATH_INFO).toBe('/items/1');
    expect(environ.QUERY_STRING).toBe('x=2');
    expect(splitTarget('http://example.org')).toEqual({ rawPath: '/', query: '' });
    expect(splitTarget('http://example.org?a')).toEqual({ rawPath: '/', query: 'a' });
  });

  it('splits at the first "?" and drops a fragment', () => {
    expect(splitTarget('/a?b?c')).toEqual({ rawPath: '/a', query: 'b?c' });
    expect(splitTarget('/a?b#frag')).toEqual({ rawPath: '/a', query: 'b' });
    expect(splitTarget('/a')).toEqual({ rawPath: '/a', query: '' });
    expect(splitTarget('*')).toEqual({ rawPath: '*', query: '' });
  });
});
