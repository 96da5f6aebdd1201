/**
 * The HTTP plumbing between the WSGI-style contract and the to-do API:
 * reading what a request says out of environ, and building and sending
 * responses as bytes.
 */
import type { Environ, Header, ResponseBody, StartResponse } from '../grader/wsgi/types.ts';

/** What the API needs to know about one request, read out of environ once. */
export interface Request {
  /** REQUEST_METHOD, e.g. "GET". Methods are case-sensitive. */
  method: string;
  /** PATH_INFO, already percent-decoded by the server. */
  path: string;
  /** QUERY_STRING, parsed: "done=true&page=2" → done, page. */
  query: URLSearchParams;
  /**
   * CONTENT_TYPE. A server may leave it out when the request has none (the
   * socket server), or pass "text/plain" instead (the simple server).
   */
  contentType: string | undefined;
  /** The request body: exactly CONTENT_LENGTH bytes. */
  body: Uint8Array;
  /** The If-None-Match request header, for conditional GETs. */
  ifNoneMatch: string | undefined;
}

export function readRequest(environ: Environ): Request {
  return {
    method: environ.REQUEST_METHOD,
    // PATH_INFO may be left out when it is empty; an empty path is the root.
    path: environ.PATH_INFO || '/',
    query: new URLSearchParams(environ.QUERY_STRING ?? ''),
    contentType: environ.CONTENT_TYPE,
    body: readBody(environ),
    ifNoneMatch: environ.HTTP_IF_NONE_MATCH,
  };
}

/**
 * The request body. PEP 3333 "Input and Error Streams": read no more than
 * CONTENT_LENGTH bytes from wsgi.input. CONTENT_LENGTH is a string of digits,
 * "" (the simple server) or absent (the socket server): the last two mean
 * there is no body.
 */
function readBody(environ: Environ): Uint8Array {
  const declared = environ.CONTENT_LENGTH;
  if (declared === undefined || declared === '') return new Uint8Array(0);
  return environ['wsgi.input'].read(Number(declared));
}

/** A response before it is sent: the status code, the headers and the body bytes. */
export interface Response {
  status: number;
  headers: Header[];
  body: Uint8Array;
}

const REASON_PHRASES: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  415: 'Unsupported Media Type',
};

const NO_BODY = new Uint8Array(0);

/** A JSON response. `headers` come after Content-Type and Content-Length. */
export function json(status: number, value: unknown, headers: Header[] = []): Response {
  const text = JSON.stringify(value);
  return {
    status,
    headers: [
      ['Content-Type', 'application/json'],
      // Content-Length counts bytes, not characters: "é" is 2 bytes in UTF-8, an emoji 4.
      ['Content-Length', String(Buffer.byteLength(text, 'utf8'))],
      ...headers,
    ],
    // A WSGI body is bytes, never a string (PEP 3333 "A Note On String Types").
    body: Buffer.from(text, 'utf8'),
  };
}

/** Every error answer has the same shape: JSON {"error": "what is wrong"}. */
export function errorResponse(status: number, message: string, headers: Header[] = []): Response {
  return json(status, { error: message }, headers);
}

/** 204 No Content: no body, so no Content-Type either. */
export function noContent(headers: Header[] = []): Response {
  return { status: 204, headers, body: NO_BODY };
}

/** 304 Not Modified: no body, no Content-Type; `headers` are the validators (ETag, Cache-Control). */
export function notModified(headers: Header[]): Response {
  return { status: 304, headers, body: NO_BODY };
}

/**
 * The answer to HEAD: exactly the GET answer's status and headers, without
 * the body (RFC 9110 §9.3.2). Content-Length stays: it announces the length
 * GET would send.
 */
export function withoutBody(response: Response): Response {
  return { ...response, body: NO_BODY };
}

/** The value of a response header, if the response has it. */
export function headerOf(response: Response, name: string): string | undefined {
  const lower = name.toLowerCase();
  return response.headers.find(([key]) => key.toLowerCase() === lower)?.[1];
}

/**
 * Hand a response to the server: start_response(status, headers), then the
 * body as an iterable of bytes (PEP 3333 "The Application/Framework Side").
 */
export function respond(startResponse: StartResponse, response: Response): ResponseBody {
  startResponse(`${response.status} ${REASON_PHRASES[response.status]}`, response.headers);
  return [response.body];
}
