import { describe, expect, test } from 'vitest';
import { curlCommand, shellQuote } from '../../grader/suite/runtime/curl.ts';

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
    expect(curlCommand({ method: 'POST', target: '/todos', headers: [], body: new Uint8Array() }))
      .toBe("curl -i -X POST http://127.0.0.1:8000/todos --data-binary ''");
  });

  test('binary bodies are spelled byte by byte; long uniform bodies are generated', () => {
    expect(curlCommand({ method: 'PUT', target: '/x', headers: [], body: new Uint8Array([0xff, 0x41, 0x27]) }))
      .toBe("curl -i -X PUT http://127.0.0.1:8000/x --data-binary $'\\xffA\\x27'");
    const big = curlCommand({ method: 'POST', target: '/todos', headers: [], body: new Uint8Array(5000).fill(0x61) });
    expect(big).toBe("head -c 5000 /dev/zero | tr '\\0' a | curl -i -X POST http://127.0.0.1:8000/todos --data-binary @-");
  });
});
