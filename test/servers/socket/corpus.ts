/**
 * Raw request corpora for the socket server's tests: heads every rule of the
 * parser must refuse (with the status it must answer), and valid requests.
 * Each entry is the exact bytes on the wire, written out in latin-1.
 */
import { DEFAULT_LIMITS } from '../../../grader/servers/socket/limits.ts';

export const H = 'Host: example.test\r\n';

/** [rule, raw head, status the server must answer]. */
export const REJECTED: Array<[string, string, number]> = [
  ['whitespace between field name and colon (RFC 9112 §5.1)', `GET / HTTP/1.1\r\n${H}X-A : 1\r\n\r\n`, 400],
  ['obs-fold (RFC 9112 §5.2)', `GET / HTTP/1.1\r\n${H}X-A: 1\r\n  continued\r\n\r\n`, 400],
  ['whitespace right after the start line (RFC 9112 §2.2)', `GET / HTTP/1.1\r\n ${H}\r\n`, 400],
  ['bare LF ending a header line (RFC 9112 §2.2)', `GET / HTTP/1.1\r\n${H}X-A: 1\n\r\n`, 400],
  ['bare LF ending the request line', `GET / HTTP/1.1\n${H}\r\n`, 400],
  ['bare CR inside a field value', `GET / HTTP/1.1\r\n${H}X-A: a\rb\r\n\r\n`, 400],
  ['control character in a field value (RFC 9110 §5.5)', `GET / HTTP/1.1\r\n${H}X-A: a\x01b\r\n\r\n`, 400],
  ['DEL in a field value', `GET / HTTP/1.1\r\n${H}X-A: a\x7fb\r\n\r\n`, 400],
  ['NUL in a field value', `GET / HTTP/1.1\r\n${H}X-A: a\x00b\r\n\r\n`, 400],
  ['NUL in the request-target', `GET /a\x00b HTTP/1.1\r\n${H}\r\n`, 400],
  ['NUL in a field name', `GET / HTTP/1.1\r\n${H}X-\x00A: 1\r\n\r\n`, 400],
  ['header line without colon', `GET / HTTP/1.1\r\n${H}NoColon\r\n\r\n`, 400],
  ['empty field name', `GET / HTTP/1.1\r\n${H}: value\r\n\r\n`, 400],
  ['method that is not a token (RFC 9110 §9.1)', `GE(T / HTTP/1.1\r\n${H}\r\n`, 400],
  ['two spaces in the request line (RFC 9112 §3)', `GET  / HTTP/1.1\r\n${H}\r\n`, 400],
  ['request line without version (HTTP/0.9)', `GET /\r\n${H}\r\n`, 400],
  ['trailing space after the version', `GET / HTTP/1.1 \r\n${H}\r\n`, 400],
  ['relative request-target (RFC 9112 §3.2)', `GET foo HTTP/1.1\r\n${H}\r\n`, 400],
  ['"*" with a method other than OPTIONS (RFC 9112 §3.2.4)', `GET * HTTP/1.1\r\n${H}\r\n`, 400],
  ['authority-form target (CONNECT is for proxies)', `CONNECT example.test:443 HTTP/1.1\r\n${H}\r\n`, 400],
  ['non-ASCII byte in the target', `GET /caf\xe9 HTTP/1.1\r\n${H}\r\n`, 400],
  ['malformed percent-escape in the path (RFC 3986 §2.1)', `GET /a%zz HTTP/1.1\r\n${H}\r\n`, 400],
  ['fragment in the target (RFC 9112 §3.2.1)', `GET /a#frag HTTP/1.1\r\n${H}\r\n`, 400],
  ['userinfo in an absolute-form target (RFC 9110 §4.2.4)', `GET http://user@example.test/ HTTP/1.1\r\n${H}\r\n`, 400],
  ['unsupported absolute-form scheme', `GET ftp://example.test/ HTTP/1.1\r\n${H}\r\n`, 400],
  ['HTTP/2.0 → 505 (RFC 9110 §15.6.6)', `GET / HTTP/2.0\r\n${H}\r\n`, 505],
  ['HTTP/1.2 → 505', `GET / HTTP/1.2\r\n${H}\r\n`, 505],
  ['the HTTP/2 connection preface → 505', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 505],
  ['garbage version → 400', `GET / HTTP/1.1x\r\n${H}\r\n`, 400],
  ['lower-case version (RFC 9112 §2.3: case-sensitive)', `GET / http/1.1\r\n${H}\r\n`, 400],
  ['HTTP/1.1 without Host (RFC 9112 §3.2)', 'GET / HTTP/1.1\r\n\r\n', 400],
  ['two Host fields (RFC 9112 §3.2)', `GET / HTTP/1.1\r\n${H}${H}\r\n`, 400],
  ['two Host fields on HTTP/1.0', `GET / HTTP/1.0\r\n${H}${H}\r\n`, 400],
  ['invalid Host value', 'GET / HTTP/1.1\r\nHost: a b/c\r\n\r\n', 400],
  ['Content-Length with Transfer-Encoding (RFC 9112 §6.3)', `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n`, 400],
  ['differing Content-Length fields', `POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 6\r\n\r\n`, 400],
  ['differing Content-Length list "5, 6"', `POST / HTTP/1.1\r\n${H}Content-Length: 5, 6\r\n\r\n`, 400],
  ['signed Content-Length "+5"', `POST / HTTP/1.1\r\n${H}Content-Length: +5\r\n\r\n`, 400],
  ['negative Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\n`, 400],
  ['non-numeric Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: 0x10\r\n\r\n`, 400],
  ['empty Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length:\r\n\r\n`, 400],
  ['Content-Length with inner space', `POST / HTTP/1.1\r\n${H}Content-Length: 1 2\r\n\r\n`, 400],
  ['overflowing Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: 18446744073709551617\r\n\r\n`, 400],
  ['transfer coding other than chunked → 501 (RFC 9112 §6.1)', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\n`, 501],
  ['gzip before chunked → 501', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n`, 501],
  ['chunked not final (RFC 9112 §6.3)', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, gzip\r\n\r\n`, 400],
  ['chunked twice (RFC 9112 §6.1)', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n`, 400],
  ['empty transfer coding', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: ,chunked\r\n\r\n`, 400],
  ['Transfer-Encoding on HTTP/1.0 (RFC 9112 §6.1)', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
  ['a vertical tab hiding chunked in Transfer-Encoding', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: identity, \x0bchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`, 400],
  ['the removed "identity" coding → 501', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: identity\r\n\r\n`, 501],
  ['non-ASCII byte in a field name', `GET / HTTP/1.1\r\n${H}X-\xe9: 1\r\n\r\n`, 400],
  ['an expectation other than 100-continue → 417 (RFC 9110 §10.1.1)', `POST / HTTP/1.1\r\n${H}Expect: something\r\nContent-Length: 1\r\n\r\n`, 417],
  ['declared body over the limit → 413 before reading it', `POST / HTTP/1.1\r\n${H}Content-Length: ${DEFAULT_LIMITS.maxBodyBytes + 1}\r\n\r\n`, 413],
];

/** Requests that must be served (status 200 from an app that answers 200). */
export const VALID: string[] = [
  `GET / HTTP/1.1\r\n${H}\r\n`,
  `GET /a%20b?x=1&y=%zz HTTP/1.1\r\n${H}Accept: */*\r\n\r\n`,
  `POST /p HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhello`,
  `POST /c HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n`,
  'GET /old HTTP/1.0\r\n\r\n',
  `OPTIONS * HTTP/1.1\r\n${H}\r\n`,
  `GET http://example.test/abs HTTP/1.1\r\n${H}\r\n`,
  `\r\nHEAD / HTTP/1.1\r\n${H}X_Underscore: dropped\r\nX-Dup: 1\r\nX-Dup: 2\r\n\r\n`,
];
