/**
 * A parsed submission → its token stream, normalised (the default) or raw.
 * Raw is what a plain syntax-token front end gives (Dolos' tree-sitter
 * stream, or JPlag's): the kind of every syntax node in order, types and
 * comments left out. Normalised is what this kit fingerprints: see
 * statements.ts, expressions.ts and names.ts for what it makes alike.
 */
import ts from 'typescript';
import { Emitter } from './emit.ts';
import type { Token } from './emit.ts';
import { analyseNames } from './names.ts';
import { classMembers, statement, statementList, topLevel } from './statements.ts';
import type { Unit } from './tokenize.ts';

export type { Token };

function fileIndexer(unit: Unit): (node: ts.Node) => number {
  const index = new Map(unit.files.map((file, i) => [file.ast.fileName, i]));
  const single = unit.files.length <= 1;
  return (node) => (single ? 0 : (index.get(node.getSourceFile().fileName) ?? 0));
}

function isTypeLevel(node: ts.Node): boolean {
  return ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isTypeParameterDeclaration(node)
    || ts.isModifier(node) || (ts.isHeritageClause(node) && node.token === ts.SyntaxKind.ImplementsKeyword);
}

/** Every syntax node's kind, in source order, as a parser front end emits it. */
export function rawTokens(unit: Unit): Token[] {
  const out: Token[] = [];
  const fileOf = fileIndexer(unit);
  const visit = (node: ts.Node): void => {
    if (isTypeLevel(node)) return;
    out.push({ text: ts.SyntaxKind[node.kind], file: fileOf(node), pos: node.pos });
    ts.forEachChild(node, visit);
  };
  for (const { node } of unit.statements) visit(node);
  return out;
}

/**
 * The normalised stream, top level first (see topLevel). A template keeps what it declares: its helpers are meant
 * to be used by the submissions, not by itself (its inner helpers are inlined
 * as they will be where a submission uses it).
 */
export function normalisedTokens(unit: Unit, template = false): Token[] {
  const facts = analyseNames(unit, { dropUnused: !template, inline: true });
  const emitter = new Emitter(facts, unit.namespaces, fileIndexer(unit), { statement, statementList, classMembers });
  return topLevel(emitter, unit.statements.map(({ node }) => node));
}
