import { describe, expect, it } from 'vitest';
import { createErrorStream } from '../../grader/wsgi/errors.ts';

function recorded(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

describe('wsgi.errors (PEP 3333 "Input and Error Streams")', () => {
  it('passes on each complete line without its newline', () => {
    const { lines, log } = recorded();
    createErrorStream(log).write('first\nsecond\n');
    expect(lines).toEqual(['first', 'second']);
  });

  it('buffers text until a newline arrives', () => {
    const { lines, log } = recorded();
    const errors = createErrorStream(log);
    errors.write('part ');
    errors.write('one');
    expect(lines).toEqual([]);
    errors.write(' done\nnext');
    expect(lines).toEqual(['part one done']);
  });

  it('flush() passes on an unfinished line, and nothing when there is none', () => {
    const { lines, log } = recorded();
    const errors = createErrorStream(log);
    errors.write('no newline');
    errors.flush();
    errors.flush();
    expect(lines).toEqual(['no newline']);
  });

  it('writelines() writes each string, adding no separators', () => {
    const { lines, log } = recorded();
    createErrorStream(log).writelines(['a', 'b\n', 'c\n']);
    expect(lines).toEqual(['ab', 'c']);
  });

  it('write() takes text only', () => {
    const errors = createErrorStream(() => undefined);
    expect(() => errors.write(new Uint8Array(1) as unknown as string)).toThrow(/takes a string/);
  });
});
