/**
 * Expressions → normalised tokens. Identifiers and literals lose their text
 * (ID, STR, NUM), types leave no token, and equivalent spellings meet:
 * `===`/`==`, `!==`/`!=`, `||`/`??`, `a.b`/`a['b']`/`a?.b`, `this.x`/`x`,
 * `ns.f` (a namespace import)/`f`; a template and the concatenation it
 * abbreviates (`/todos/${id}` and `'/todos/' + id`); `String(x)`,
 * `x.toString()` and `${x}`; `x++`, `x += 1` and `x = x + 1`; `xs.forEach(f)`
 * and a for-of loop; a function called from one place is read in place.
 */
import ts from 'typescript';
import { sortGroups } from './emit.ts';
import type { Emitter } from './emit.ts';

export function skipWrappers(node: ts.Expression): ts.Expression {
  let e = node;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isTypeAssertionExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

/** true/false for a condition that never changes (`if (false)`, `while (0)`), else undefined. */
export function constantTruth(node: ts.Expression): boolean | undefined {
  const e = skipWrappers(node);
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword || e.kind === ts.SyntaxKind.NullKeyword) return false;
  if (ts.isNumericLiteral(e)) return Number(e.text) !== 0;
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text !== '';
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = constantTruth(e.operand);
    return inner === undefined ? undefined : !inner;
  }
  return undefined;
}

/** An expression whose value is its only effect: a literal, a name, `void 0`, arithmetic on such. */
export function isPure(node: ts.Expression): boolean {
  const e = skipWrappers(node);
  if (ts.isLiteralExpression(e) || ts.isIdentifier(e) || ts.isNoSubstitutionTemplateLiteral(e)) return true;
  switch (e.kind) {
    case ts.SyntaxKind.TrueKeyword: case ts.SyntaxKind.FalseKeyword: case ts.SyntaxKind.NullKeyword: case ts.SyntaxKind.ThisKeyword: return true;
  }
  if (ts.isVoidExpression(e) || ts.isTypeOfExpression(e)) return isPure(e.expression);
  if (ts.isPrefixUnaryExpression(e) && e.operator !== ts.SyntaxKind.PlusPlusToken && e.operator !== ts.SyntaxKind.MinusMinusToken) return isPure(e.operand);
  if (ts.isBinaryExpression(e) && BINARY[e.operatorToken.kind] !== undefined) return isPure(e.left) && isPure(e.right);
  return false;
}

export function isConsoleCall(node: ts.Expression): boolean {
  if (!ts.isCallExpression(node)) return false;
  const callee = skipWrappers(node.expression);
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'console';
}

const BINARY: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: 'EQ',
  [ts.SyntaxKind.EqualsEqualsToken]: 'EQ',
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: 'NE',
  [ts.SyntaxKind.ExclamationEqualsToken]: 'NE',
  [ts.SyntaxKind.AmpersandAmpersandToken]: 'AND',
  [ts.SyntaxKind.BarBarToken]: 'OR',
  [ts.SyntaxKind.QuestionQuestionToken]: 'OR',
  [ts.SyntaxKind.PlusToken]: 'PLUS',
  [ts.SyntaxKind.MinusToken]: 'MINUS',
  [ts.SyntaxKind.AsteriskToken]: 'MUL',
  [ts.SyntaxKind.SlashToken]: 'DIV',
  [ts.SyntaxKind.PercentToken]: 'MOD',
  [ts.SyntaxKind.LessThanToken]: 'CMP',
  [ts.SyntaxKind.LessThanEqualsToken]: 'CMP',
  [ts.SyntaxKind.GreaterThanToken]: 'CMP',
  [ts.SyntaxKind.GreaterThanEqualsToken]: 'CMP',
  [ts.SyntaxKind.InstanceOfKeyword]: 'INSTANCEOF',
  [ts.SyntaxKind.InKeyword]: 'IN',
};

/** `x op= v` as `x = x op v`. */
const COMPOUND: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.PlusEqualsToken]: 'PLUS',
  [ts.SyntaxKind.MinusEqualsToken]: 'MINUS',
  [ts.SyntaxKind.AsteriskEqualsToken]: 'MUL',
  [ts.SyntaxKind.SlashEqualsToken]: 'DIV',
  [ts.SyntaxKind.BarBarEqualsToken]: 'OR',
  [ts.SyntaxKind.QuestionQuestionEqualsToken]: 'OR',
  [ts.SyntaxKind.AmpersandAmpersandEqualsToken]: 'AND',
};

const isOne = (node: ts.Expression): boolean => {
  const e = skipWrappers(node);
  return ts.isNumericLiteral(e) && Number(e.text) === 1;
};

/**
 * `target = value`, `return value`, `const target = value`: a conditional
 * value is the if it abbreviates (`return c ? a : b` reads as `if (c) return a; return b`).
 */
export function assignTo(emitter: Emitter, target: () => void, value: ts.Expression, isReturn = false): void {
  const v = skipWrappers(value);
  if (ts.isConditionalExpression(v)) {
    emitter.push('IF', v);
    expression(emitter, v.condition);
    assignTo(emitter, target, v.whenTrue, isReturn);
    assignTo(emitter, target, v.whenFalse, isReturn);
    return;
  }
  target();
  if (!isReturn) emitter.push('ASSIGN', value);
  expression(emitter, value);
}

function parameters(emitter: Emitter, node: ts.SignatureDeclarationBase): void {
  for (const p of node.parameters) {
    if (ts.isIdentifier(p.name) && p.name.text === 'this') continue;
    emitter.push('PARAM', p);
    if (p.initializer !== undefined) {
      emitter.push('ASSIGN', p.initializer);
      expression(emitter, p.initializer);
    }
  }
}

/** A function's parameters and body; an expression body is its return. */
export function functionBody(emitter: Emitter, node: ts.FunctionLikeDeclaration): void {
  emitter.push('FUNC', node);
  parameters(emitter, node);
  const body = node.body;
  if (body === undefined) return;
  if (ts.isBlock(body)) emitter.statements.statementList(emitter, body.statements);
  else assignTo(emitter, () => emitter.push('RETURN', body), body, true);
}

/**
 * The body of a function called from this one place, in place of the call,
 * each parameter read as the argument passed for it; a body that only
 * returns a value is that value (`if (isBlank(t))` reads as `if (t.trim() === '')`).
 */
function inlineCall(emitter: Emitter, call: ts.CallExpression, fn: ts.FunctionLikeDeclaration): void {
  const body = fn.body;
  if (body === undefined) return;
  const substitutions = new Map<string, ts.Expression>();
  fn.parameters.forEach((p, i) => {
    const arg = call.arguments[i];
    if (ts.isIdentifier(p.name) && arg !== undefined && !ts.isSpreadElement(arg)) substitutions.set(p.name.text, arg);
  });
  emitter.depth += 1;
  emitter.substitutions.push(substitutions);
  const only = ts.isBlock(body) && body.statements.length === 1 ? body.statements[0] : undefined;
  if (!ts.isBlock(body)) expression(emitter, body);
  else if (only !== undefined && ts.isReturnStatement(only) && only.expression !== undefined) expression(emitter, only.expression);
  else emitter.statements.statementList(emitter, body.statements);
  emitter.substitutions.pop();
  emitter.depth -= 1;
}

function call(emitter: Emitter, node: ts.CallExpression): void {
  const fn = emitter.facts.inline.get(node);
  if (fn !== undefined && emitter.depth < 4) return inlineCall(emitter, node, fn);
  const callee = skipWrappers(node.expression);
  const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
  // String(x), x.toString(): what `${x}` says.
  if (name === 'String' && ts.isIdentifier(callee) && node.arguments.length === 1) {
    emitter.push('TOSTR', node);
    return expression(emitter, node.arguments[0]!);
  }
  if (name === 'toString' && ts.isPropertyAccessExpression(callee) && node.arguments.length === 0) {
    emitter.push('TOSTR', node);
    return expression(emitter, callee.expression);
  }
  const first = node.arguments[0] === undefined ? undefined : skipWrappers(node.arguments[0]);
  if (name === 'forEach' && ts.isPropertyAccessExpression(callee) && first !== undefined && (ts.isArrowFunction(first) || ts.isFunctionExpression(first))) {
    expression(emitter, callee.expression);
    emitter.push('LOOP', node);
    if (first.parameters[0] !== undefined) emitter.push('PARAM', first.parameters[0]);
    if (ts.isBlock(first.body)) emitter.statements.statementList(emitter, first.body.statements);
    else expression(emitter, first.body);
    return;
  }
  expression(emitter, node.expression);
  emitter.push('CALL', node);
  for (const arg of node.arguments) expression(emitter, arg);
}

function template(emitter: Emitter, node: ts.TemplateExpression): void {
  const parts: Array<() => void> = [];
  if (node.head.text !== '') parts.push(() => emitter.push('STR', node.head));
  for (const span of node.templateSpans) {
    parts.push(() => expression(emitter, span.expression));
    if (span.literal.text !== '') parts.push(() => emitter.push('STR', span.literal));
  }
  if (parts.length === 1) emitter.push('TOSTR', node);
  parts.forEach((part, i) => {
    if (i > 0) emitter.push('PLUS', node);
    part();
  });
}

function binary(emitter: Emitter, node: ts.BinaryExpression): void {
  const op = node.operatorToken.kind;
  if (op === ts.SyntaxKind.EqualsToken) {
    expression(emitter, node.left);
    emitter.push('ASSIGN', node.operatorToken);
    return expression(emitter, node.right);
  }
  if ((op === ts.SyntaxKind.PlusEqualsToken || op === ts.SyntaxKind.MinusEqualsToken) && isOne(node.right)) {
    expression(emitter, node.left);
    return emitter.push(op === ts.SyntaxKind.PlusEqualsToken ? 'INC' : 'DEC', node);
  }
  const compound = COMPOUND[op];
  if (compound !== undefined) {
    expression(emitter, node.left);
    emitter.push('ASSIGN', node.operatorToken);
    expression(emitter, node.left);
    emitter.push(compound, node.operatorToken);
    return expression(emitter, node.right);
  }
  if (op === ts.SyntaxKind.CommaToken) {
    expression(emitter, node.left);
    return expression(emitter, node.right);
  }
  expression(emitter, node.left);
  emitter.push(BINARY[op] ?? ts.SyntaxKind[op], node.operatorToken);
  expression(emitter, node.right);
}

/** `x = x + 1` → INC, so it reads as `x++`. */
function isIncrement(node: ts.BinaryExpression): boolean {
  if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return false;
  const right = skipWrappers(node.right);
  return ts.isBinaryExpression(right) && right.operatorToken.kind === ts.SyntaxKind.PlusToken && isOne(right.right) && right.left.getText() === node.left.getText();
}

function objectLiteral(emitter: Emitter, node: ts.ObjectLiteralExpression): void {
  emitter.push('OBJ', node);
  const groups = node.properties.map((p) => emitter.group(() => {
    emitter.push(ts.isSpreadAssignment(p) ? 'SPREAD' : 'PROP', p);
    if (ts.isPropertyAssignment(p)) expression(emitter, p.initializer);
    else if (ts.isShorthandPropertyAssignment(p)) emitter.push('ID', p.name);
    else if (ts.isSpreadAssignment(p)) expression(emitter, p.expression);
    else if (ts.isMethodDeclaration(p) || ts.isAccessor(p)) functionBody(emitter, p);
  }));
  // Members in a canonical order: moving a handler within a table changes nothing.
  for (const g of sortGroups(groups)) emitter.append(g);
}

export function expression(emitter: Emitter, node: ts.Expression): void {
  const e = skipWrappers(node);
  if (ts.isIdentifier(e)) {
    const argument = emitter.substitute(e.text);
    if (argument !== undefined) {
      // The argument belongs to the caller's scope: read it without this helper's parameters.
      const saved = emitter.substitutions.pop()!;
      expression(emitter, argument);
      emitter.substitutions.push(saved);
      return;
    }
    return emitter.push(e.text === 'undefined' ? 'NULL' : 'ID', e);
  }
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return emitter.push('STR', e);
  if (ts.isNumericLiteral(e) || ts.isBigIntLiteral(e)) return emitter.push('NUM', e);
  if (ts.isRegularExpressionLiteral(e)) return emitter.push('REGEX', e);
  if (ts.isTemplateExpression(e)) return template(emitter, e);
  switch (e.kind) {
    case ts.SyntaxKind.TrueKeyword: return emitter.push('TRUE', e);
    case ts.SyntaxKind.FalseKeyword: return emitter.push('FALSE', e);
    case ts.SyntaxKind.NullKeyword: return emitter.push('NULL', e);
    case ts.SyntaxKind.ThisKeyword: return emitter.push('ID', e);
    case ts.SyntaxKind.SuperKeyword: return emitter.push('ID', e);
  }
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const object = skipWrappers(e.expression);
    // this.x and ns.x (a namespace import) read as the plain name x.
    if (object.kind === ts.SyntaxKind.ThisKeyword || (ts.isIdentifier(object) && emitter.namespaces.has(object.text))) {
      if (ts.isPropertyAccessExpression(e)) return emitter.push('ID', e.name);
    }
    expression(emitter, e.expression);
    if (ts.isPropertyAccessExpression(e)) return emitter.push('DOT', e.name);
    const arg = skipWrappers(e.argumentExpression);
    if (ts.isStringLiteral(arg)) return emitter.push('DOT', arg);
    emitter.push('INDEX', e.argumentExpression);
    return expression(emitter, e.argumentExpression);
  }
  if (ts.isCallExpression(e)) return call(emitter, e);
  if (ts.isNewExpression(e)) {
    emitter.push('NEW', e);
    expression(emitter, e.expression);
    for (const arg of e.arguments ?? []) expression(emitter, arg);
    return;
  }
  if (ts.isBinaryExpression(e)) {
    if (isIncrement(e)) {
      expression(emitter, e.left);
      return emitter.push('INC', e);
    }
    return binary(emitter, e);
  }
  if (ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) {
    const op = e.operator;
    if (op === ts.SyntaxKind.PlusPlusToken || op === ts.SyntaxKind.MinusMinusToken) {
      expression(emitter, e.operand);
      return emitter.push(op === ts.SyntaxKind.PlusPlusToken ? 'INC' : 'DEC', e);
    }
    emitter.push(op === ts.SyntaxKind.ExclamationToken ? 'NOT' : op === ts.SyntaxKind.MinusToken ? 'NEG' : op === ts.SyntaxKind.PlusToken ? 'TONUM' : 'BITNOT', e);
    return expression(emitter, e.operand);
  }
  if (ts.isConditionalExpression(e)) {
    emitter.push('IF', e);
    expression(emitter, e.condition);
    expression(emitter, e.whenTrue);
    return expression(emitter, e.whenFalse);
  }
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return functionBody(emitter, e);
  if (ts.isObjectLiteralExpression(e)) return objectLiteral(emitter, e);
  if (ts.isArrayLiteralExpression(e)) {
    emitter.push('ARR', e);
    for (const element of e.elements) expression(emitter, element);
    return;
  }
  if (ts.isSpreadElement(e)) {
    emitter.push('SPREAD', e);
    return expression(emitter, e.expression);
  }
  if (ts.isTypeOfExpression(e)) {
    emitter.push('TYPEOF', e);
    return expression(emitter, e.expression);
  }
  if (ts.isVoidExpression(e)) return emitter.push('NULL', e);
  if (ts.isDeleteExpression(e)) {
    emitter.push('DELETE', e);
    return expression(emitter, e.expression);
  }
  if (ts.isAwaitExpression(e)) return expression(emitter, e.expression);
  if (ts.isYieldExpression(e)) {
    emitter.push('YIELD', e);
    if (e.expression !== undefined) expression(emitter, e.expression);
    return;
  }
  if (ts.isClassExpression(e)) return emitter.statements.classMembers(emitter, e);
  if (ts.isTaggedTemplateExpression(e)) {
    expression(emitter, e.tag);
    return emitter.push('CALL', e);
  }
  if (ts.isObjectBindingPattern(e as ts.Node) || ts.isArrayBindingPattern(e as ts.Node)) {
    for (const element of (e as unknown as ts.BindingPattern).elements) emitter.push('PARAM', element);
    return;
  }
  // Anything else: its kind, then its parts.
  emitter.push(ts.SyntaxKind[e.kind], e);
  ts.forEachChild(e, (child) => {
    if (ts.isExpression(child)) expression(emitter, child);
    else if (ts.isBlock(child)) emitter.statements.statement(emitter, child);
  });
}
