// When the terminal report is coloured: the conventions Node tools share.
import { describe, expect, test } from 'vitest';
import { useColor } from '../../grader/cli/color.ts';

const terminal = { isTTY: true, hasColors: () => true };
const monochrome = { isTTY: true, hasColors: () => false };
const pipe = { isTTY: false };

describe('useColor', () => {
  test('a colour terminal gets colour; a pipe or a monochrome terminal does not', () => {
    expect(useColor(terminal, {})).toBe(true);
    expect(useColor(monochrome, {})).toBe(false);
    expect(useColor(pipe, {})).toBe(false);
  });

  test('NO_COLOR turns it off when non-empty (no-color.org); empty means unset', () => {
    expect(useColor(terminal, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(terminal, { NO_COLOR: '' })).toBe(true);
  });

  test('TERM=dumb turns it off', () => {
    expect(useColor(terminal, { TERM: 'dumb' })).toBe(false);
    expect(useColor(terminal, { TERM: 'xterm-256color' })).toBe(true);
  });

  test('FORCE_COLOR wins over NO_COLOR and a pipe, as in Node; 0 and false turn colour off', () => {
    expect(useColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(useColor(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(useColor(terminal, { FORCE_COLOR: '0' })).toBe(false);
    expect(useColor(terminal, { FORCE_COLOR: 'false' })).toBe(false);
  });

  test('--color and --no-color win over everything', () => {
    expect(useColor(pipe, { NO_COLOR: '1' }, true)).toBe(true);
    expect(useColor(terminal, { FORCE_COLOR: '1' }, false)).toBe(false);
  });
});
