import { describe, expect, it } from 'vitest';
import { createInput } from '../../grader/wsgi/input.ts';

const text = (chunk: Uint8Array): string => new TextDecoder().decode(chunk);
const body = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('wsgi.input (PEP 3333 "Input and Error Streams")', () => {
  it('read(size) returns at most size bytes, then the rest, then empty bytes at EOF', () => {
    const input = createInput(body('hello world'));
    expect(text(input.read(5))).toBe('hello');
    expect(text(input.read(100))).toBe(' world');
    expect(input.read(3)).toEqual(new Uint8Array());
  });

  it('read() with no size, undefined or a negative size returns the rest', () => {
    expect(text(createInput(body('abc')).read())).toBe('abc');
    expect(text(createInput(body('abc')).read(undefined))).toBe('abc');
    const input = createInput(body('abcdef'));
    input.read(2);
    expect(text(input.read(-1))).toBe('cdef');
  });

  it('read(0) returns empty bytes without moving', () => {
    const input = createInput(body('abc'));
    expect(input.read(0).byteLength).toBe(0);
    expect(text(input.read())).toBe('abc');
  });

  it('an empty body is at EOF at once', () => {
    const input = createInput(new Uint8Array());
    expect(input.read().byteLength).toBe(0);
    expect(input.readline().byteLength).toBe(0);
    expect(input.readlines()).toEqual([]);
    expect([...input]).toEqual([]);
  });

  it('readline() returns one line with its "\\n"; the last line may lack it', () => {
    const input = createInput(body('one\ntwo\nthree'));
    expect(text(input.readline())).toBe('one\n');
    expect(text(input.readline())).toBe('two\n');
    expect(text(input.readline())).toBe('three');
    expect(input.readline().byteLength).toBe(0);
  });

  it('readline(size) stops at size bytes, continuing the line on the next call', () => {
    const input = createInput(body('abcdef\nxy'));
    expect(text(input.readline(4))).toBe('abcd');
    expect(text(input.readline(10))).toBe('ef\n');
    expect(text(input.readline(-1))).toBe('xy');
  });

  it('readlines(hint) stops once hint bytes were read; no hint or hint <= 0 reads all', () => {
    expect(createInput(body('a\nbb\nccc\n')).readlines().map(text)).toEqual(['a\n', 'bb\n', 'ccc\n']);
    expect(createInput(body('a\nbb\nccc\n')).readlines(0).map(text)).toEqual(['a\n', 'bb\n', 'ccc\n']);
    expect(createInput(body('a\nbb\nccc\n')).readlines(3).map(text)).toEqual(['a\n', 'bb\n']);
    expect(createInput(body('a\nbb\nccc\n')).readlines(2).map(text)).toEqual(['a\n']);
  });

  it('iterates over the remaining lines', () => {
    const input = createInput(body('first\nsecond\nthird'));
    input.readline();
    expect([...input].map(text)).toEqual(['second\n', 'third']);
  });

  it('its methods work taken off the stream, as Python bound methods do', () => {
    const { read, readline, readlines } = createInput(body('a\nbb\nccc'));
    expect(text(readline())).toBe('a\n');
    expect(text(read(1))).toBe('b');
    expect(readlines().map(text)).toEqual(['b\n', 'ccc']);
  });

  it('returns plain Uint8Array copies, even when given a Buffer', () => {
    const source = Buffer.from('xxhello');
    const input = createInput(source.subarray(2));
    const chunk = input.read();
    expect(Object.getPrototypeOf(chunk)).toBe(Uint8Array.prototype);
    chunk[0] = 0x58;
    expect(source.toString()).toBe('xxhello');
  });

  it('handles binary bytes exactly', () => {
    const bytes = Uint8Array.from([0, 255, 10, 128, 13, 10]);
    const input = createInput(bytes);
    expect([...input.readline()]).toEqual([0, 255, 10]);
    expect([...input.read()]).toEqual([128, 13, 10]);
  });

  it('refuses a size that is not an integer', () => {
    const input = createInput(body('abc'));
    expect(() => input.read(1.5)).toThrow(/integer size/);
    expect(() => input.readline('2' as unknown as number)).toThrow(TypeError);
  });
});
