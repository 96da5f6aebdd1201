import { describe, expect, test } from 'vitest';
import { cmdQuote, curlCommand, shellQuote } from '../../grader/suite/runtime/curl.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('shellQuote', () => {
  test('leaves safe words alone and single-quotes the rest', () => {
    expect(shellQuote('http://127.0.0.1:8000/todos')).toBe('http://127.0.0.1:8000/todos');
    expect(shellQuote('Content-Type: application/json')).toBe("'Content-Type: application/json'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('café ☕')).toBe("'café ☕'");
  });

  test('uses $\'…\' for control characters', () => {
    expect(shellQuote('a\nb\t\\\'')).toBe("$'a\\nb\\t\\\\\\''");
  });
});

describe('curlCommand', () => {
  test('a GET is plain curl -i', () => {
    expect(curlCommand({ method: 'GET', target: '/todos', headers: [] })).toBe('curl -i http://127.0.0.1:8000/todos');
  });

  test('a JSON POST names its method, headers and exact body', () => {
    const line = curlCommand({
      method: 'POST', target: '/todos',
      headers: [['Content-Type', 'application/json'], ['Content-Length', '13'], ['Host', 'x']],
      body: bytes('{"title":"x"}'),
    });
    expect(line).toBe(`curl -i -X POST http://127.0.0.1:8000/todos -H 'Content-Type: application/json' --data-binary '{"title":"x"}'`);
  });

  test('HEAD uses -I; queries are quoted; brackets turn globbing off', () => {
    expect(curlCommand({ method: 'HEAD', target: '/todos', headers: [] })).toBe('curl -i -I http://127.0.0.1:8000/todos');
    expect(curlCommand({ method: 'GET', target: '/todos?done=true&limit=2', headers: [] }))
      .toBe("curl -i 'http://127.0.0.1:8000/todos?done=true&limit=2'");
    expect(curlCommand({ method: 'GET', target: '/todos?a[]=1', headers: [] })).toBe("curl -i -g 'http://127.0.0.1:8000/todos?a[]=1'");
  });

  test('DELETE without a body, and an empty POST body, keep their meaning', () => {
    expect(curlCommand({ method: 'DELETE', target: '/todos/1', headers: [] })).toBe('curl -i -X DELETE http://127.0.0.1:8000/todos/1');
    // No Content-Length on the wire: curl -X POST without data sends none either.
    expect(curlCommand({ method: 'POST', target: '/todos', headers: [], body: new Uint8Array() }))
      .toBe('curl -i -X POST http://127.0.0.1:8000/todos');
    // Content-Length: 0 on the wire: spelled out, as curl would not send it by itself.
    expect(curlCommand({ method: 'POST', target: '/todos', headers: [['host', 'x'], ['connection', 'keep-alive'], ['content-length', '0']], body: new Uint8Array() }))
      .toBe("curl -i -X POST http://127.0.0.1:8000/todos -H 'content-length: 0'");
  });

  test('binary bodies are spelled byte by byte; long uniform bodies are generated', () => {
    expect(curlCommand({ method: 'PUT', target: '/x', headers: [], body: new Uint8Array([0xff, 0x41, 0x27]) }))
      .toBe("curl -i -X PUT http://127.0.0.1:8000/x -H Content-Type: --data-binary $'\\xffA\\x27'");
    const big = curlCommand({ method: 'POST', target: '/todos', headers: [], body: new Uint8Array(5000).fill(0x61) });
    expect(big).toBe("head -c 5000 /dev/zero | tr '\\0' a | curl -i -X POST http://127.0.0.1:8000/todos -H Content-Type: -H Expect: --data-binary @-");
  });
});

describe('curl lines for CMD (Windows), as the lecture writes them', () => {
  const cmd = (request: Parameters<typeof curlCommand>[0]): string => curlCommand(request, undefined, 'cmd');

  test('double quotes, a quote inside as \\"', () => {
    expect(cmd({ method: 'GET', target: '/todos', headers: [] })).toBe('curl -i http://127.0.0.1:8000/todos');
    expect(cmd({
      method: 'POST', target: '/todos', headers: [['Content-Type', 'application/json']], body: bytes('{"title": "Buy milk"}'),
    })).toBe('curl -i -X POST http://127.0.0.1:8000/todos -H "Content-Type: application/json" --data-binary "{\\"title\\": \\"Buy milk\\"}"');
  });

  test('the same headers as on the wire: Content-Length: 0 spelled out, curl\'s own Content-Type removed', () => {
    expect(cmd({ method: 'POST', target: '/todos', headers: [['host', 'x'], ['connection', 'keep-alive'], ['Content-Type', 'application/json'], ['content-length', '0']], body: new Uint8Array() }))
      .toBe('curl -i -X POST http://127.0.0.1:8000/todos -H "Content-Type: application/json" -H "content-length: 0"');
    expect(cmd({ method: 'POST', target: '/todos', headers: [['Host', 'x'], ['Content-Type', 'application/json']] }))
      .toBe('curl -i -X POST http://127.0.0.1:8000/todos -H "Content-Type: application/json"');
    expect(cmd({ method: 'PUT', target: '/todos/1', headers: [['content-length', '2']], body: bytes('{}') }))
      .toBe('curl -i -X PUT http://127.0.0.1:8000/todos/1 -H Content-Type: --data-binary "{}"');
  });

  test('CMD\'s own specials outside its quoted state are escaped with ^; backslashes before a quote doubled', () => {
    // CMD sees the \" as a quote too: " & " falls outside its quoted state.
    expect(cmdQuote('{"a": "x & y"}')).toBe('"{\\"a\\": \\"x ^& y\\"}"');
    expect(cmdQuote('a & b')).toBe('"a & b"');
    expect(cmdQuote('back\\"slash')).toBe('"back\\\\\\"slash"');
    expect(cmdQuote('ends\\')).toBe('"ends\\\\"');
    expect(cmdQuote('line\nbreak')).toBeUndefined();
  });

  test('what one CMD line cannot hold falls back to the POSIX line (Git Bash, WSL); long bodies come from a file', () => {
    const control = { method: 'POST', target: '/todos', headers: [], body: bytes('a\nb') };
    expect(cmd(control)).toBe(curlCommand(control, undefined, 'posix'));
    expect(cmd({ method: 'POST', target: '/todos', headers: [], body: new Uint8Array(5000).fill(0x61) }))
      .toBe('curl -i -X POST http://127.0.0.1:8000/todos -H Content-Type: -H Expect: --data-binary @body.bin & rem body.bin: the 5000-byte body of this request');
  });
});
