/**
 * Source lines of tokens, computed only for the fragments shown: a token
 * keeps its node's start with leading trivia (node.pos, free to read), and
 * the first line of code after it is found here, skipping whitespace and
 * comments, without keeping the syntax tree alive.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  /** The offset of the first code character at or after `pos`. */
  private skipTrivia(pos: number): number {
    const text = this.text;
    let i = pos;
    while (i < text.length) {
      const c = text[i]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\uFEFF') i += 1;
      else if (c === '/' && text[i + 1] === '/') {
        const end = text.indexOf('\n', i);
        i = end === -1 ? text.length : end + 1;
      } else if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        i = end === -1 ? text.length : end + 2;
      } else break;
    }
    return i;
  }

  /** 1-based line of the code starting at or after `pos`. */
  lineOf(pos: number): number {
    const at = this.skipTrivia(pos);
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= at) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }
}
