/**
 * The token buffer both emitters write to, and canonical ordering: a group of
 * tokens is emitted into its own buffer, and groups that may stand in any
 * order (independent declarations, a dispatch's branches, class members) are
 * sorted by their text, so reordering them changes nothing.
 */
import type ts from 'typescript';
import type { NameFacts } from './names.ts';

/** One token, its file (index in the unit) and where its node starts (with leading trivia: see lines.ts). */
export interface Token {
  text: string;
  file: number;
  pos: number;
}

/**
 * The statement side of the walk, for the expressions that hold statements
 * (function bodies, class expressions): statements.ts provides it, so the
 * two halves of the walker need not import each other.
 */
export interface StatementWalker {
  statement(emitter: Emitter, node: ts.Statement): void;
  statementList(emitter: Emitter, statements: readonly ts.Statement[]): void;
  classMembers(emitter: Emitter, node: ts.ClassLikeDeclaration): void;
}

export class Emitter {
  private buffer: Token[] = [];

  constructor(
    readonly facts: NameFacts,
    readonly namespaces: ReadonlySet<string>,
    private readonly fileOf: (node: ts.Node) => number,
    readonly statements: StatementWalker,
  ) {}

  /** Inlining depth: a helper inlined into a helper, but never without end. */
  depth = 0;

  /** While a helper is read in place: its parameters' names → the arguments of the call. */
  readonly substitutions: Array<Map<string, ts.Expression>> = [];

  substitute(name: string): ts.Expression | undefined {
    return this.substitutions[this.substitutions.length - 1]?.get(name);
  }

  push(text: string, node: ts.Node): void {
    this.buffer.push({ text, file: this.fileOf(node), pos: node.pos });
  }

  append(tokens: readonly Token[]): void {
    for (const token of tokens) this.buffer.push(token);
  }

  /** What `emit` writes, as a separate group. */
  group(emit: () => void): Token[] {
    const saved = this.buffer;
    this.buffer = [];
    try {
      emit();
      return this.buffer;
    } finally {
      this.buffer = saved;
    }
  }
}

export const keyOf = (tokens: readonly Token[]): string => tokens.map((t) => t.text).join(' ');

/** Groups in a canonical order: by their token text (ties keep their order, as sort is stable). */
export function sortGroups(groups: Token[][]): Token[][] {
  return groups.map((tokens) => ({ tokens, key: keyOf(tokens) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((g) => g.tokens);
}
