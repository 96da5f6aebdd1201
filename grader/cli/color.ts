/**
 * Whether to colour a stream, as the ecosystem decides it: an explicit
 * --color/--no-color first; then FORCE_COLOR (Node's own rule: it wins over
 * NO_COLOR, and "0"/"false" turn colour off); then NO_COLOR when non-empty
 * (no-color.org); then TERM=dumb; then whether the stream is a terminal that
 * says it has colours (tty.WriteStream#hasColors).
 */

/** The part of a WriteStream the decision reads. */
export interface ColorTarget {
  isTTY?: boolean;
  hasColors?: () => boolean;
}

export type ColorEnv = Readonly<Record<string, string | undefined>>;

export function useColor(stream: ColorTarget, env: ColorEnv = process.env, flag?: boolean): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  if (stream.isTTY !== true) return false;
  return stream.hasColors?.() ?? true;
}
