/**
 * Statements → normalised tokens. Equivalent forms meet in one spelling:
 * every loop is `LOOP` (a for's initialiser before it, its update after the
 * body, as the while it is equivalent to), a switch is the if-chain it
 * stands for, `else` leaves no token (so an else-chain and early returns
 * read alike), a ternary in a return or an assignment is the if it abbreviates.
 * Dead code goes: statements after return/throw/break/continue, branches of
 * constant conditions, expression statements without effect, console output,
 * and (see names.ts) unused declarations. Independent declarations and the
 * branches of a dispatch on constants are put in a canonical order.
 */
import ts from 'typescript';
import { Emitter, sortGroups } from './emit.ts';
import type { Token } from './emit.ts';
import { assignTo, constantTruth, expression, functionBody, isConsoleCall, isPure, skipWrappers } from './expressions.ts';

type Kind = 'decl' | 'dispatch' | 'other';
interface Item {
  tokens: Token[];
  kind: Kind;
  declares: string[];
  uses: Set<string>;
}

function isExit(node: ts.Statement): boolean {
  return ts.isReturnStatement(node) || ts.isThrowStatement(node) || ts.isBreakStatement(node) || ts.isContinueStatement(node);
}

/** A block that always leaves: its last statement returns, throws, breaks or continues. */
function leaves(node: ts.Statement): boolean {
  if (isExit(node)) return true;
  if (ts.isBlock(node)) {
    const last = node.statements[node.statements.length - 1];
    return last !== undefined && leaves(last);
  }
  return false;
}

/** A comparison with a constant, or several joined by ||: a test a dispatch makes, whose branches may come in any order. */
function isDispatchTest(node: ts.Expression): boolean {
  const e = skipWrappers(node);
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.BarBarToken) return isDispatchTest(e.left) && isDispatchTest(e.right);
    if (op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken) {
      return ts.isLiteralExpression(skipWrappers(e.left)) || ts.isLiteralExpression(skipWrappers(e.right));
    }
  }
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
    // /^\/todos$/.test(path), path.startsWith('/todos/')
    const target = skipWrappers(e.expression.expression);
    return ts.isRegularExpressionLiteral(target) || (e.expression.name.text === 'startsWith' && e.arguments.length === 1 && ts.isStringLiteral(e.arguments[0]!));
  }
  return false;
}

function namesIn(node: ts.Node): Set<string> {
  const out = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) out.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return out;
}

function declaredBy(node: ts.Statement): string[] {
  if (ts.isVariableStatement(node)) return node.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name !== undefined) return [node.name.text];
  return [];
}

/** Put each run of independent declarations, and each run of dispatch branches, in canonical order. */
function canonical(items: Item[]): Token[] {
  const out: Token[] = [];
  let run: Item[] = [];
  const flush = (): void => {
    for (const tokens of sortGroups(run.map((item) => item.tokens))) out.push(...tokens);
    run = [];
  };
  for (const item of items) {
    const kind = run[0]?.kind;
    const dependent = item.kind === 'decl' && run.some((prior) => prior.declares.some((name) => item.uses.has(name)));
    if (kind !== undefined && (item.kind !== kind || item.kind === 'other' || dependent)) flush();
    run.push(item);
  }
  flush();
  return out;
}

function item(emitter: Emitter, node: ts.Statement, kind: Kind, emit: () => void): Item {
  return { tokens: emitter.group(emit), kind, declares: declaredBy(node), uses: kind === 'decl' ? namesIn(node) : new Set() };
}

/** An if/else-if chain as its branches, and what is left for the final else. */
function chainOf(node: ts.IfStatement): { branches: Array<[ts.Expression, ts.Statement]>; rest?: ts.Statement } {
  const branches: Array<[ts.Expression, ts.Statement]> = [];
  let at: ts.Statement | undefined = node;
  while (at !== undefined && ts.isIfStatement(at)) {
    branches.push([at.expression, at.thenStatement]);
    at = at.elseStatement;
  }
  return at === undefined ? { branches } : { branches, rest: at };
}

function ifItems(emitter: Emitter, node: ts.IfStatement): Item[] {
  const truth = constantTruth(node.expression);
  if (truth === true) return statementItems(emitter, node.thenStatement);
  if (truth === false) return node.elseStatement === undefined ? [] : statementItems(emitter, node.elseStatement);
  const { branches, rest } = chainOf(node);
  const dispatch = branches.every(([test]) => isDispatchTest(test)) && (branches.length > 1 || leaves(node.thenStatement));
  const items = branches.map(([test, body]) => item(emitter, node, dispatch ? 'dispatch' : 'other', () => {
    emitter.push('IF', test);
    expression(emitter, test);
    statement(emitter, body);
  }));
  if (!dispatch) items.splice(0, items.length, { tokens: items.flatMap((i) => i.tokens), kind: 'other', declares: [], uses: new Set() });
  if (rest !== undefined) items.push(item(emitter, rest, 'other', () => statement(emitter, rest)));
  return items;
}

/** A switch is the if-chain it stands for: `case a: case b:` tests `d === a || d === b`; a clause's last break goes. */
function switchItems(emitter: Emitter, node: ts.SwitchStatement): Item[] {
  const items: Item[] = [];
  const fallback: ts.Statement[] = [];
  let tests: ts.Expression[] = [];
  const always = skipWrappers(node.expression).kind === ts.SyntaxKind.TrueKeyword;
  for (const clause of node.caseBlock.clauses) {
    if (ts.isDefaultClause(clause)) {
      fallback.push(...clause.statements);
      tests = [];
      continue;
    }
    tests.push(clause.expression);
    if (clause.statements.length === 0) continue;
    const caseTests = tests;
    tests = [];
    items.push(item(emitter, node, 'dispatch', () => {
      emitter.push('IF', clause);
      caseTests.forEach((test, i) => {
        if (i > 0) emitter.push('OR', test);
        if (!always) {
          expression(emitter, node.expression);
          emitter.push('EQ', test);
        }
        expression(emitter, test);
      });
      statementList(emitter, clause.statements, true);
    }));
  }
  if (fallback.length > 0) items.push({ tokens: emitter.group(() => statementList(emitter, fallback, true)), kind: 'other', declares: [], uses: new Set() });
  return items;
}

function variableStatement(emitter: Emitter, node: ts.VariableStatement): void {
  for (const declaration of node.declarationList.declarations) {
    if (emitter.facts.dropped.has(declaration)) continue;
    emitter.push('VAR', declaration);
    if (declaration.initializer === undefined) continue;
    const target = declaration.name;
    assignTo(emitter, () => (ts.isIdentifier(target) ? emitter.push('ID', target) : expression(emitter, target as unknown as ts.Expression)), declaration.initializer);
  }
}

export function classMembers(emitter: Emitter, node: ts.ClassLikeDeclaration): void {
  emitter.push('CLASS', node);
  const heritage = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  if (heritage !== undefined) {
    emitter.push('EXTENDS', heritage);
    expression(emitter, heritage.expression);
  }
  const groups = node.members.filter((m) => !emitter.facts.dropped.has(m)).map((member) => emitter.group(() => {
    if (ts.isPropertyDeclaration(member)) {
      emitter.push('PROP', member);
      if (member.initializer !== undefined) expression(emitter, member.initializer);
    } else if (ts.isConstructorDeclaration(member) || ts.isMethodDeclaration(member) || ts.isAccessor(member)) {
      functionBody(emitter, member);
    } else if (ts.isClassStaticBlockDeclaration(member)) {
      statement(emitter, member.body);
    }
  }));
  for (const tokens of sortGroups(groups)) emitter.append(tokens);
}

export function statementItems(emitter: Emitter, node: ts.Statement): Item[] {
  if (ts.isBlock(node)) return [{ tokens: emitter.group(() => statementList(emitter, node.statements)), kind: 'other', declares: [], uses: new Set() }];
  if (ts.isIfStatement(node)) return ifItems(emitter, node);
  if (ts.isSwitchStatement(node)) return switchItems(emitter, node);
  if (ts.isVariableStatement(node)) {
    if (node.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return [];
    return [item(emitter, node, 'decl', () => variableStatement(emitter, node))];
  }
  if (ts.isFunctionDeclaration(node)) {
    if (emitter.facts.dropped.has(node) || node.body === undefined) return [];
    return [item(emitter, node, 'decl', () => functionBody(emitter, node))];
  }
  if (ts.isClassDeclaration(node)) {
    if (emitter.facts.dropped.has(node)) return [];
    return [item(emitter, node, 'decl', () => classMembers(emitter, node))];
  }
  return [item(emitter, node, 'other', () => statement(emitter, node))];
}

/** Declarations whose bodies run later: functions, classes, and constants holding a function. */
function isHoisted(node: ts.Statement): boolean {
  if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) return true;
  return ts.isVariableStatement(node) && node.declarationList.declarations.every((d) => {
    const init = d.initializer === undefined ? undefined : skipWrappers(d.initializer);
    return init !== undefined && (ts.isArrowFunction(init) || ts.isFunctionExpression(init) || ts.isClassExpression(init));
  });
}

/**
 * A submission's top level: functions and classes (whose order is the
 * author's taste) sorted all together; the other statements in canonical
 * runs, as in any block (a constant that uses another stays after it).
 */
export function topLevel(emitter: Emitter, nodes: readonly ts.Statement[]): Token[] {
  const hoisted: Token[][] = [];
  const rest: Item[] = [];
  for (const node of nodes) {
    const items = statementItems(emitter, node);
    if (isHoisted(node)) hoisted.push(...items.map((i) => i.tokens));
    else rest.push(...items);
  }
  return [...sortGroups(hoisted).flat(), ...canonical(rest)];
}

/** A statement list, dead code after an exit left out; `dropFinalBreak` for a switch clause. */
export function statementList(emitter: Emitter, statements: readonly ts.Statement[], dropFinalBreak = false): void {
  const items: Item[] = [];
  for (const [i, node] of statements.entries()) {
    const last = i === statements.length - 1;
    if (dropFinalBreak && last && ts.isBreakStatement(node) && node.label === undefined) break;
    items.push(...statementItems(emitter, node));
    if (isExit(node)) break;
  }
  emitter.append(canonical(items));
}

function loop(emitter: Emitter, node: ts.IterationStatement): void {
  if (ts.isForStatement(node)) {
    const init = node.initializer;
    if (init !== undefined) {
      if (ts.isVariableDeclarationList(init)) {
        for (const d of init.declarations) {
          emitter.push('VAR', d);
          if (d.initializer !== undefined) assignTo(emitter, () => emitter.push('ID', d.name), d.initializer);
        }
      } else expression(emitter, init);
    }
    emitter.push('LOOP', node);
    if (node.condition !== undefined) expression(emitter, node.condition);
    statement(emitter, node.statement);
    if (node.incrementor !== undefined) expression(emitter, node.incrementor);
    return;
  }
  if (ts.isForOfStatement(node) || ts.isForInStatement(node)) {
    expression(emitter, node.expression);
    emitter.push('LOOP', node);
    emitter.push('PARAM', node.initializer);
    statement(emitter, node.statement);
    return;
  }
  if (ts.isWhileStatement(node) || ts.isDoStatement(node)) {
    if (constantTruth(node.expression) === false && ts.isWhileStatement(node)) return;
    emitter.push('LOOP', node);
    expression(emitter, node.expression);
    statement(emitter, node.statement);
  }
}

export function statement(emitter: Emitter, node: ts.Statement): void {
  if (ts.isBlock(node) || ts.isIfStatement(node) || ts.isSwitchStatement(node) || ts.isVariableStatement(node) || ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) {
    for (const i of statementItems(emitter, node)) emitter.append(i.tokens);
    return;
  }
  if (ts.isExpressionStatement(node)) {
    const e = skipWrappers(node.expression);
    // No effect, or only output: a literal, a name, "use strict", console.log(...).
    if (isPure(e) || isConsoleCall(e)) return;
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isConditionalExpression(skipWrappers(e.right))) {
      assignTo(emitter, () => expression(emitter, e.left), e.right);
      return;
    }
    expression(emitter, e);
    return;
  }
  if (ts.isReturnStatement(node)) {
    if (node.expression === undefined) emitter.push('RETURN', node);
    else assignTo(emitter, () => emitter.push('RETURN', node), node.expression, true);
    return;
  }
  if (ts.isThrowStatement(node)) {
    emitter.push('THROW', node);
    expression(emitter, node.expression);
    return;
  }
  if (ts.isIterationStatement(node, false)) return loop(emitter, node);
  if (ts.isTryStatement(node)) {
    emitter.push('TRY', node);
    statement(emitter, node.tryBlock);
    if (node.catchClause !== undefined) {
      emitter.push('CATCH', node.catchClause);
      statement(emitter, node.catchClause.block);
    }
    if (node.finallyBlock !== undefined) {
      emitter.push('FINALLY', node.finallyBlock);
      statement(emitter, node.finallyBlock);
    }
    return;
  }
  if (ts.isBreakStatement(node)) return emitter.push('BREAK', node);
  if (ts.isContinueStatement(node)) return emitter.push('CONTINUE', node);
  if (ts.isLabeledStatement(node)) return statement(emitter, node.statement);
  if (ts.isEnumDeclaration(node)) {
    emitter.push('ENUM', node);
    for (const member of node.members) {
      emitter.push('PROP', member);
      if (member.initializer !== undefined) expression(emitter, member.initializer);
    }
  }
  // Types, interfaces, empty statements, declare: nothing at run time, no tokens.
}
