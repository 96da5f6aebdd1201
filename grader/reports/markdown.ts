/**
 * Markdown for text that came from outside (app output, bodies, titles):
 * Gradescope and GitHub's job summary render Markdown, and what the app sent
 * must read as text, never as markup.
 */

/** A fenced block long enough that no run of backticks inside can close it. */
export function fence(text: string, info = 'text'): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${info}\n${text}\n${ticks}`;
}

/** Escapes what would start Markdown inline syntax (emphasis, code, links, HTML, tables) in one line of plain text. */
export function md(text: string): string {
  return text.replace(/[\\`*_[\]<>#|~]/g, (c) => `\\${c}`);
}
