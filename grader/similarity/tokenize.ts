/**
 * The TypeScript compiler's own parser turns a submission (all its .ts files)
 * into one unit of statements. Imports between the submission's files are
 * resolved: each file comes after the files it imports (as a bundler lays
 * them out), import and export syntax is dropped, and a namespace import's
 * `ns.name` reads as `name`, so code moved from one file to another still
 * lines up. Files that fail to parse are reported, with file:line:col.
 */
import ts from 'typescript';
import type { SourceFile, SubmissionCode } from './source.ts';

export interface ParsedFile {
  path: string;
  text: string;
  ast: ts.SourceFile;
}

export interface Unit {
  name: string;
  /** In bundle order: dependencies before the files that import them. */
  files: ParsedFile[];
  /** Top-level statements of every file, imports and re-exports left out, with the index of their file. */
  statements: Array<{ file: number; node: ts.Statement }>;
  /** Local names of namespace imports (`import * as h from './h.ts'`): `h.x` reads as `x`. */
  namespaces: Set<string>;
  /** One line per syntax error, "file:line:col: message"; empty when every file parsed. */
  errors: string[];
}

function parseDiagnostics(ast: ts.SourceFile): readonly ts.Diagnostic[] {
  // Not in the public typings, but how tsc itself reads syntax errors without building a program.
  return (ast as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
}

function describe(file: SourceFile, ast: ts.SourceFile, diagnostic: ts.Diagnostic): string {
  const { line, character } = ast.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  return `${file.path}:${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
}

/** "./http.ts", "./http.js", "./http", "./lib/index" → the submission's file path, if it has it. */
function resolveImport(from: string, specifier: string, paths: Set<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = from.includes('/') ? from.slice(0, from.lastIndexOf('/')) : '';
  const parts = base === '' ? [] : base.split('/');
  for (const part of specifier.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  const joined = parts.join('/');
  const stem = joined.replace(/\.(ts|js|mts|mjs)$/, '');
  return [joined, `${stem}.ts`, `${stem}/index.ts`].find((candidate) => paths.has(candidate));
}

function importsOf(ast: ts.SourceFile): string[] {
  const out: string[] = [];
  for (const statement of ast.statements) {
    if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(statement) ? statement.importClause?.isTypeOnly === true : statement.isTypeOnly;
      if (!typeOnly) out.push(statement.moduleSpecifier.text);
    }
  }
  return out;
}

/** The entry: app.ts if there is one, else the first file by name. */
function entryOf(files: readonly ParsedFile[]): ParsedFile | undefined {
  return files.find((f) => f.path === 'app.ts') ?? files.find((f) => f.path.endsWith('/app.ts')) ?? files[0];
}

export function parseSubmission(code: SubmissionCode): Unit {
  const files: ParsedFile[] = code.files.map((file) => ({
    path: file.path,
    text: file.text,
    ast: ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS),
  }));
  const errors = files.flatMap((file) => parseDiagnostics(file.ast).map((d) => describe(file, file.ast, d)));
  const byPath = new Map(files.map((file) => [file.path, file]));
  const paths = new Set(byPath.keys());
  // Depth-first from the entry, each file after its imports; files nothing imports follow, by name.
  const ordered: ParsedFile[] = [];
  const seen = new Set<string>();
  const visit = (file: ParsedFile): void => {
    if (seen.has(file.path)) return;
    seen.add(file.path);
    for (const specifier of importsOf(file.ast)) {
      const target = resolveImport(file.path, specifier, paths);
      if (target !== undefined) visit(byPath.get(target)!);
    }
    ordered.push(file);
  };
  const entry = entryOf(files);
  if (entry !== undefined) visit(entry);
  for (const file of files) visit(file);

  const namespaces = new Set<string>();
  const statements: Unit['statements'] = [];
  ordered.forEach((file, index) => {
    for (const statement of file.ast.statements) {
      if (ts.isImportDeclaration(statement)) {
        const bindings = statement.importClause?.namedBindings;
        if (bindings !== undefined && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
        continue;
      }
      if (ts.isExportDeclaration(statement) || ts.isImportEqualsDeclaration(statement)) continue;
      statements.push({ file: index, node: statement });
    }
  });
  return { name: code.name, files: ordered, statements, namespaces, errors };
}
