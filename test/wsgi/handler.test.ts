import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_BODY } from '../../grader/wsgi/handler.ts';
import type { Application, Bytes, Environ, Header, StartResponse } from '../../grader/wsgi/types.ts';
import { bytes, echoBody, excInfoApp, failAfterHeaders, generatorApp, hello, lazyStartApp, writeApp } from '../servers/apps.ts';
import { RecordingTransport, run, tracked, violationCodes } from './handler-harness.ts';

describe('runApplication: the response sequence (PEP 3333 "Specification Details")', () => {
  it('sends status, headers and body, then finishes', async () => {
    const { result, transport } = await run(hello);
    expect(transport.head?.status).toBe('200 OK');
    expect(transport.text).toBe('Hello, WSGI!');
    expect(transport.finished).toBe(true);
    expect(result).toEqual({ status: 200, bytesSent: 12, completed: true });
  });

  it('adds Date and Server when the app did not (RFC 9110 §6.6.1, §10.2.4)', async () => {
    const { transport } = await run(hello);
    expect(transport.header('Date')).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(transport.header('Server')).toBe('test/1.0');
  });

  it('keeps the app\'s own Date and Server', async () => {
    const { transport } = await run((_e, startResponse) => {
      startResponse('200 OK', [['date', 'Thu, 01 Jan 1970 00:00:00 GMT'], ['Server', 'mine']]);
      return [];
    });
    expect(transport.head?.headers.filter(([name]) => /^(date|server)$/i.test(name))).toEqual([
      ['date', 'Thu, 01 Jan 1970 00:00:00 GMT'],
      ['Server', 'mine'],
    ]);
  });

  it('knows the length of a one-item list (PEP 3333 "Handling the Content-Length Header")', async () => {
    expect((await run(hello)).transport.head?.contentLength).toBe(12);
  });

  it('leaves the length unknown for a generator, and for a list when write() was used', async () => {
    expect((await run(generatorApp)).transport.head?.contentLength).toBeUndefined();
    expect((await run(writeApp)).transport.head?.contentLength).toBeUndefined();
  });

  it('an empty body has length 0 and still gets its head', async () => {
    const { transport, result } = await run((_e, startResponse) => {
      startResponse('204 No Content', []);
      return [];
    });
    expect(transport.events).toEqual(['head 204 No Content', 'finish']);
    expect(transport.head?.contentLength).toBe(0);
    expect(result.completed).toBe(true);
  });

  it('uses the app\'s Content-Length', async () => {
    const { transport } = await run((_e, startResponse) => {
      startResponse('200 OK', [['Content-Length', '5']]);
      return [bytes('ab'), bytes('cde')];
    });
    expect(transport.head?.contentLength).toBe(5);
    expect(transport.text).toBe('abcde');
  });
});

describe('headers go out with the first non-empty chunk (PEP 3333 "Buffering and Streaming")', () => {
  it('not at start_response, not for empty chunks', async () => {
    const events: string[] = [];
    const transport = new RecordingTransport(events);
    await run((_e, startResponse) => {
      startResponse('200 OK', []);
      events.push('start_response');
      return tracked([bytes(''), bytes('x'), bytes('y')], events);
    }, { transport });
    expect(events).toEqual(['start_response', 'yield ', 'yield x', 'head 200 OK', 'body x', 'yield y', 'body y', 'close', 'finish']);
  });

  it('start_response may be called during the first iteration', async () => {
    const { transport } = await run(lazyStartApp);
    expect(transport.head?.status).toBe('201 Created');
    expect(transport.header('X-Lazy')).toBe('yes');
    expect(transport.text).toBe('created lazily');
  });

  it('write() sends the head and its data at once, before the returned chunks', async () => {
    const { transport } = await run(writeApp);
    expect(transport.events).toEqual(['head 200 OK', 'body written, ', 'body then ', 'body returned', 'finish']);
  });

  it('waits for the transport before asking for the next chunk (backpressure)', async () => {
    const events: string[] = [];
    const transport = new RecordingTransport(events);
    let open!: () => void;
    transport.gate = new Promise<void>((resolve) => (open = resolve));
    const running = run((_e, startResponse) => {
      startResponse('200 OK', []);
      return tracked([bytes('a'), bytes('b')], events);
    }, { transport });
    await nextTurn();
    expect(events).toEqual(['yield a', 'head 200 OK', 'body a']);
    transport.gate = undefined;
    open();
    await running;
    expect(events).toEqual(['yield a', 'head 200 OK', 'body a', 'yield b', 'body b', 'close', 'finish']);
  });
});

describe('start_response() rules (PEP 3333 "The start_response() Callable")', () => {
  it('a second call with excInfo before headers were sent replaces status and headers', async () => {
    const { transport } = await run(excInfoApp);
    expect(transport.head?.status).toBe('500 Internal Server Error');
    expect(transport.text).toBe('replaced by the app');
  });

  it('a second call without excInfo is an error → 500', async () => {
    const { transport, appErrors } = await run((_e, startResponse) => {
      startResponse('200 OK', []);
      startResponse('201 Created', []);
      return [];
    });
    expect(transport.head?.status).toBe('500 Internal Server Error');
    expect(violationCodes(appErrors)).toEqual(['start-response-twice']);
  });

  it('with excInfo after headers were sent, it re-raises excInfo → the response is aborted', async () => {
    const original = new Error('original failure');
    let raised: unknown;
    function* app(_e: Environ, startResponse: StartResponse): Generator<Bytes> {
      startResponse('200 OK', []);
      yield bytes('sent');
      try {
        startResponse('500 Internal Server Error', [], original);
      } catch (error) {
        raised = error;
        throw error;
      }
    }
    const { transport, result, appErrors } = await run(app);
    expect(raised).toBe(original);
    expect(appErrors).toEqual([original]);
    expect(transport.aborted).toBe(original);
    expect(transport.finished).toBe(false);
    expect(result).toMatchObject({ status: 200, completed: false });
  });

  it.each([
    ['200', 'status-format'],
    ['200OK', 'status-format'],
    ['99 Too Low', 'status-format'],
    ['100 Continue', 'status-format'],
    ['200 OK\r\nX-Injected: 1', 'status-format'],
  ])('refuses the status %j → 500', async (status, code) => {
    const { transport, appErrors } = await run((_e, startResponse) => {
      startResponse(status, []);
      return [];
    });
    expect(transport.head?.status).toBe('500 Internal Server Error');
    expect(violationCodes(appErrors)).toEqual([code]);
  });

  it.each([
    [[['X-Bad', 'line\r\nbreak']], 'header-format'],
    [[['X-Bad', 'a\x7fb']], 'header-format'],
    [[['X-Bad', 'a\x00b']], 'header-format'],
    [[['X-Bad', 'price: 5 €']], 'header-format'],
    [[['Bad Name', 'x']], 'header-format'],
    [[['X-Number', 42]], 'header-format'],
    [[['Only-Name']], 'header-format'],
    [{ 'Content-Type': 'text/plain' }, 'headers-not-list'],
    [[['Transfer-Encoding', 'chunked']], 'hop-by-hop-header'],
    [[['connection', 'close']], 'hop-by-hop-header'],
    [[['Content-Length', '-1']], 'content-length-format'],
    [[['Content-Length', '1'], ['Content-Length', '1']], 'content-length-format'],
  ])('refuses the headers %j → 500', async (headers, code) => {
    const { transport, appErrors } = await run((_e, startResponse) => {
      startResponse('200 OK', headers as Header[]);
      return [];
    });
    expect(transport.head?.status).toBe('500 Internal Server Error');
    expect(violationCodes(appErrors)).toEqual([code]);
  });

  it('copies the headers: changing the array afterwards changes nothing', async () => {
    const { transport } = await run((_e, startResponse) => {
      const headers: Header[] = [['X-A', '1']];
      startResponse('200 OK', headers);
      headers.push(['X-B', '2']);
      return [bytes('x')];
    });
    expect(transport.header('X-B')).toBeUndefined();
  });
});

describe('what the app returns (PEP 3333 "The Application/Framework Side")', () => {
  it.each([
    ['a Promise', (async () => []) as unknown as Application, 'async-application'],
    ['an async generator', (async function* () {}) as unknown as Application, 'async-application'],
    ['a string', (() => 'text') as unknown as Application, 'result-is-string'],
    ['a Uint8Array', (() => bytes('x')) as unknown as Application, 'result-is-bytes'],
    ['undefined', (() => undefined) as unknown as Application, 'result-not-iterable'],
    ['strings as chunks', ((_e: Environ, sr: StartResponse) => (sr('200 OK', []), ['text'])) as unknown as Application, 'body-not-bytes'],
  ])('refuses %s → 500', async (_what, app, code) => {
    const { transport, appErrors } = await run(app);
    expect(transport.head?.status).toBe('500 Internal Server Error');
    expect(violationCodes(appErrors)).toEqual([code]);
  });

  it('an empty body without start_response is an error → 500', async () => {
    const { transport, appErrors } = await run(() => []);
    expect(transport.head?.status).toBe('500 Internal Server Error');
    expect(violationCodes(appErrors)).toEqual(['no-start-response']);
  });

  it('body bytes before start_response are an error → 500', async () => {
    const { appErrors } = await run(() => [bytes('early')]);
    expect(violationCodes(appErrors)).toEqual(['no-start-response']);
  });

  it('write() takes bytes only', async () => {
    const { appErrors } = await run((_e, startResponse) => {
      startResponse('200 OK', [])('text' as unknown as Bytes);
      return [];
    });
    expect(violationCodes(appErrors)).toEqual(['write-not-bytes']);
  });

  it('the app reads its body through wsgi.input', async () => {
    expect((await run(echoBody, { method: 'POST', body: 'posted' })).transport.text).toBe('posted');
  });
});

describe('errors (PEP 3333 "Error Handling")', () => {
  it('before headers: logs the stack, tells onAppError, answers a short 500', async () => {
    const failure = new Error('boom before headers');
    const { transport, result, logs, appErrors } = await run((_e, startResponse) => {
      startResponse('200 OK', [['X-Lost', 'yes']]);
      throw failure;
    });
    expect(appErrors).toEqual([failure]);
    expect(logs.join('\n')).toContain('boom before headers');
    expect(logs.join('\n')).toMatch(/at .*handler\.test\.ts/);
    expect(transport.head?.status).toBe('500 Internal Server Error');
    expect(transport.header('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(transport.header('X-Lost')).toBeUndefined();
    expect(transport.text).toBe(ERROR_BODY);
    expect(result).toEqual({ status: 500, bytesSent: ERROR_BODY.length, completed: true });
  });

  it('after headers: logs, tells onAppError, aborts without finishing', async () => {
    const { transport, result, appErrors, logs } = await run(failAfterHeaders);
    expect(transport.text).toBe('first chunk, ');
    expect(transport.aborted).toBeInstanceOf(Error);
    expect(transport.finished).toBe(false);
    expect(appErrors).toHaveLength(1);
    expect(logs.join('\n')).toContain('failure after headers');
    expect(result).toEqual({ status: 200, bytesSent: 13, completed: false });
  });

  it('a non-Error thrown is reported too', async () => {
    const { appErrors, logs } = await run(() => {
      throw 'just a string';
    });
    expect(appErrors).toEqual(['just a string']);
    expect(logs.join('\n')).toContain('just a string');
  });

  it('a failing transport aborts the response and is not blamed on the app', async () => {
    const transport = new RecordingTransport();
    transport.gate = Promise.reject(new Error('EPIPE'));
    const { result, appErrors } = await run(hello, { transport });
    expect(appErrors).toEqual([]);
    expect(transport.aborted).toBeInstanceOf(Error);
    expect(result.completed).toBe(false);
  });
});

describe('close() is always called (PEP 3333 "Specification Details")', () => {
  const cases: Array<[string, Array<Bytes | Error>, boolean]> = [
    ['after success', [bytes('ok')], true],
    ['after an error before headers', [new Error('early')], true],
    ['after an error after headers', [bytes('x'), new Error('late')], true],
  ];
  it.each(cases)('%s', async (_name, chunks) => {
    const events: string[] = [];
    await run((_e, startResponse) => {
      startResponse('200 OK', []);
      return tracked(chunks, events);
    });
    expect(events.filter((event) => event === 'close')).toEqual(['close']);
  });

  it('before the 500 is sent, like wsgiref', async () => {
    const events: string[] = [];
    await run(() => tracked([new Error('early')], events), { transport: new RecordingTransport(events) });
    expect(events.indexOf('close')).toBeLessThan(events.indexOf('head 500 Internal Server Error'));
  });

  it('when the client left: iteration stops, close() runs, nothing is finished', async () => {
    const events: string[] = [];
    const transport = new RecordingTransport(events);
    const send = transport.sendBody.bind(transport);
    transport.sendBody = (chunk) => {
      send(chunk);
      transport.clientGone = true; // the client leaves while the first chunk is on its way
    };
    const { result } = await run((_e, startResponse) => {
      startResponse('200 OK', []);
      return tracked([bytes('a'), bytes('b'), bytes('c')], events);
    }, { transport });
    expect(events).toEqual(['yield a', 'head 200 OK', 'body a', 'close']);
    expect(result.completed).toBe(false);
  });

  it('even when the result itself was refused', async () => {
    let closed = 0;
    const { appErrors } = await run((() => ({ close: () => void (closed += 1) })) as unknown as Application);
    expect(violationCodes(appErrors)).toEqual(['result-not-iterable']);
    expect(closed).toBe(1);
  });

  it('an error in close() is reported', async () => {
    const { appErrors, transport } = await run((_e, startResponse) => {
      startResponse('200 OK', []);
      return Object.assign([bytes('x')], { close: () => { throw new Error('close failed'); } });
    });
    expect(appErrors).toHaveLength(1);
    expect(transport.aborted).toBeInstanceOf(Error);
  });
});

describe('Content-Length from the app (PEP 3333 "Handling the Content-Length Header")', () => {
  it('never sends more bytes than it says, and stops iterating', async () => {
    const events: string[] = [];
    const { transport, result, appErrors } = await run((_e, startResponse) => {
      startResponse('200 OK', [['Content-Length', '3']]);
      return tracked([bytes('ab'), bytes('cdef'), bytes('never')], events);
    });
    expect(transport.text).toBe('abc');
    expect(events).not.toContain('yield never');
    expect(violationCodes(appErrors)).toEqual(['content-length-exceeded']);
    expect(result).toMatchObject({ bytesSent: 3, completed: true });
  });

  it('fewer bytes than it says: the connection is closed', async () => {
    const { transport, result, appErrors } = await run((_e, startResponse) => {
      startResponse('200 OK', [['Content-Length', '10']]);
      return [bytes('short')];
    });
    expect(transport.aborted).toBeDefined();
    expect(transport.finished).toBe(false);
    expect(violationCodes(appErrors)).toEqual(['content-length-short']);
    expect(result.completed).toBe(false);
  });

  it('HEAD may announce a length and send no body', async () => {
    const { transport, result } = await run((_e, startResponse) => {
      startResponse('200 OK', [['Content-Length', '10']]);
      return [];
    }, { method: 'HEAD' });
    expect(transport.aborted).toBeUndefined();
    expect(result.completed).toBe(true);
  });
});

describe('wsgi.errors and late calls', () => {
  it('flushes wsgi.errors when the request ends', async () => {
    const { logs } = await run((environ, startResponse) => {
      environ['wsgi.errors'].write('no newline yet');
      startResponse('200 OK', []);
      return [];
    });
    expect(logs).toContain('no newline yet');
  });

  it('start_response() and write() called after the response ended throw', async () => {
    let saved: StartResponse | undefined;
    await run((_e, startResponse) => {
      saved = startResponse;
      startResponse('200 OK', []);
      return [];
    });
    expect(() => saved!('200 OK', [])).toThrow(/after the response ended/);
  });
});
