/**
 * Which declarations the normalised token stream leaves out, and which helper
 * functions it reads in place. Names are counted across the whole submission
 * (every file): a declaration whose name is never mentioned again is unused —
 * a function, variable, class or method inserted to pad a copy — and is
 * dropped, repeatedly, until nothing more falls away. A function called from
 * exactly one place is inlined there, so extracting a helper or inlining one
 * does not change the stream.
 */
import ts from 'typescript';
import type { Unit } from './tokenize.ts';

export interface NameFacts {
  /** Declarations not emitted where they stand: unused, or inlined at their one call. */
  dropped: Set<ts.Node>;
  /** Call expression → the function-like declaration whose body is emitted in its place. */
  inline: Map<ts.CallExpression, ts.FunctionLikeDeclaration>;
}

/** Names that are used from outside the submission. */
const EXTERNAL = new Set(['application', 'constructor']);

type Declared = { node: ts.Node; name: string; fn?: ts.FunctionLikeDeclaration };

function isTypeOnly(node: ts.Node): boolean {
  return ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isTypeParameterDeclaration(node);
}

function functionOf(node: ts.Expression | undefined): ts.FunctionLikeDeclaration | undefined {
  if (node === undefined) return undefined;
  while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) node = node.expression;
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node) ? node : undefined;
}

/** Declarations the check may drop or inline: not parameters, not destructuring, not loop variables. */
function declarationOf(node: ts.Node): Declared | undefined {
  if (ts.isFunctionDeclaration(node) && node.name !== undefined && node.body !== undefined) return { node, name: node.name.text, fn: node };
  if (ts.isClassDeclaration(node) && node.name !== undefined) return { node, name: node.name.text };
  if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && ts.isVariableDeclarationList(node.parent) && ts.isVariableStatement(node.parent.parent)) {
    const fn = functionOf(node.initializer);
    return fn === undefined ? { node, name: node.name.text } : { node, name: node.name.text, fn };
  }
  if ((ts.isMethodDeclaration(node) || ts.isPropertyDeclaration(node)) && ts.isClassLike(node.parent) && (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name))) {
    const fn = ts.isMethodDeclaration(node) && node.body !== undefined ? node : ts.isPropertyDeclaration(node) ? functionOf(node.initializer) : undefined;
    return fn === undefined ? { node, name: node.name.text } : { node, name: node.name.text, fn };
  }
  return undefined;
}

/** The identifier naming a declaration: not a use of it. */
function nameNodeOf(node: ts.Node): ts.Node | undefined {
  return (node as { name?: ts.Node }).name;
}

interface Count {
  uses: number;
  last?: ts.Node;
}

function count(unit: Unit, dropped: Set<ts.Node>): { counts: Map<string, Count>; declared: Declared[] } {
  const counts = new Map<string, Count>();
  const declared: Declared[] = [];
  const visit = (node: ts.Node): void => {
    if (dropped.has(node) || isTypeOnly(node)) return;
    const declaration = declarationOf(node);
    if (declaration !== undefined) declared.push(declaration);
    if ((ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) && !(node.parent !== undefined && declarationOf(node.parent)?.node === node.parent && nameNodeOf(node.parent) === node)) {
      const entry = counts.get(node.text) ?? { uses: 0 };
      entry.uses += 1;
      entry.last = node;
      counts.set(node.text, entry);
    }
    ts.forEachChild(node, visit);
  };
  for (const { node } of unit.statements) visit(node);
  return { counts, declared };
}

/** The uses inside a dropped declaration no longer count (nor do those in declarations dropped before). */
function forgetUses(root: ts.Node, counts: Map<string, Count>, dropped: Set<ts.Node>): void {
  const visit = (node: ts.Node): void => {
    if ((node !== root && dropped.has(node)) || isTypeOnly(node)) return;
    if ((ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) && !(node.parent !== undefined && declarationOf(node.parent)?.node === node.parent && nameNodeOf(node.parent) === node)) {
      const entry = counts.get(node.text);
      if (entry !== undefined) entry.uses -= 1;
    }
    ts.forEachChild(node, visit);
  };
  visit(root);
}

/** The call a lone reference makes, if it is the callee of one: `f(…)`, `this.f(…)`, `X.f(…)`. */
function callOf(reference: ts.Node): ts.CallExpression | undefined {
  const parent = reference.parent;
  if (parent === undefined) return undefined;
  if (ts.isCallExpression(parent) && parent.expression === reference) return parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === reference && parent.parent !== undefined && ts.isCallExpression(parent.parent) && parent.parent.expression === parent) return parent.parent;
  return undefined;
}

function inside(node: ts.Node, container: ts.Node): boolean {
  for (let at: ts.Node | undefined = node; at !== undefined; at = at.parent) if (at === container) return true;
  return false;
}

export function analyseNames(unit: Unit, options: { dropUnused: boolean; inline: boolean }): NameFacts {
  const dropped = new Set<ts.Node>();
  const inline = new Map<ts.CallExpression, ts.FunctionLikeDeclaration>();
  if (!options.dropUnused && !options.inline) return { dropped, inline };
  if (options.dropUnused) {
    // Dropping one declaration can leave another unused: the names it mentioned lose a use each.
    const { counts, declared } = count(unit, dropped);
    let changed = true;
    while (changed) {
      changed = false;
      for (const decl of declared) {
        if (EXTERNAL.has(decl.name) || dropped.has(decl.node) || (counts.get(decl.name)?.uses ?? 0) > 0) continue;
        if ([...dropped].some((outer) => inside(decl.node, outer))) continue;
        dropped.add(decl.node);
        changed = true;
        forgetUses(decl.node, counts, dropped);
      }
    }
  }
  if (options.inline) {
    const { counts, declared } = count(unit, dropped);
    const names = new Map<string, number>();
    for (const decl of declared) names.set(decl.name, (names.get(decl.name) ?? 0) + 1);
    for (const decl of declared) {
      const entry = counts.get(decl.name);
      if (decl.fn === undefined || names.get(decl.name) !== 1 || entry?.uses !== 1 || entry.last === undefined) continue;
      const call = callOf(entry.last);
      if (call === undefined || inside(call, decl.node)) continue;
      inline.set(call, decl.fn);
      dropped.add(decl.node);
    }
  }
  return { dropped, inline };
}
