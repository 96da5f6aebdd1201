/**
 * `--typecheck`: a submission with a TypeScript type error is a load error,
 * reported as one line with its file:line:col, like a syntax error.
 *
 * Bundling only transpiles (esbuild erases types without checking them), so
 * without this a type error costs nothing. The check uses the kit's own
 * tsconfig.json compiler options (strict), so it finds what `npm run
 * typecheck` finds in starter/app.ts; modules resolve as the bundler's do.
 * The first program costs about a second (the lib and @types/node
 * declarations are parsed); those files are kept, so each further
 * submission costs tens of milliseconds.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type TS from 'typescript';

const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const KIT_TYPES = join(PROJECT_DIR, 'grader', 'wsgi', 'types.ts');
/**
 * The starter's `import type … from '../grader/wsgi/types.ts'` resolves only
 * inside the kit's folder; a submission graded elsewhere gets the kit's file.
 */
const KIT_TYPES_IMPORT = /(^|\/)grader\/wsgi\/types(\.ts)?$/;
const TYPE_ERROR = 'type error';

/** What the check looks at: the entry file and the folder whose files are the student's. */
interface Target {
  entry: string;
  /** Diagnostics in files under this folder (or in this one file) are the student's. */
  owns: (file: string) => boolean;
}

function targetOf(sourcePath: string): Target | undefined {
  const absolute = resolve(sourcePath);
  const info = existsSync(absolute) ? statSync(absolute) : undefined;
  if (info?.isDirectory()) {
    const entry = join(absolute, 'app.ts');
    return existsSync(entry) ? { entry, owns: (file) => resolve(file).startsWith(absolute + sep) } : undefined;
  }
  if (info?.isFile() && absolute.endsWith('.ts')) return { entry: absolute, owns: (file) => resolve(file) === absolute };
  // Missing or not TypeScript: bundling says so.
  return undefined;
}

function where(ts: typeof TS, diagnostic: TS.Diagnostic, entryDir: string): string {
  const file = diagnostic.file;
  if (file === undefined || diagnostic.start === undefined) return '';
  const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.start);
  // '/' between folders on every platform, as esbuild's load errors and stack locations write them.
  const shown = relative(entryDir, file.fileName).split(sep).join('/') || basename(file.fileName);
  return `${shown}:${line + 1}:${character + 1}: `;
}

export class TypeChecker {
  private readonly options: TS.CompilerOptions;
  private readonly host: TS.CompilerHost;
  /** Declarations outside any submission (lib, @types/node, the kit's types), parsed once. */
  private readonly shared = new Map<string, TS.SourceFile>();

  private constructor(private readonly ts: typeof TS) {
    const configPath = join(PROJECT_DIR, 'tsconfig.json');
    const config = ts.readConfigFile(configPath, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, PROJECT_DIR, undefined, configPath);
    // Resolved as esbuild bundles it (ESM, .ts imports), whatever package.json lies around the submission.
    this.options = { ...parsed.options, noEmit: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler };
    const host = ts.createCompilerHost(this.options);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
      const isShared = fileName.includes(`${sep}node_modules${sep}`) || resolve(fileName) === KIT_TYPES;
      if (!isShared) return read(fileName, languageVersion, onError, shouldCreate);
      let file = this.shared.get(fileName);
      if (file === undefined) {
        file = read(fileName, languageVersion, onError, shouldCreate);
        if (file !== undefined) this.shared.set(fileName, file);
      }
      return file;
    };
    host.resolveModuleNameLiterals = (literals, containingFile, _redirected, options) => literals.map((literal) => {
      const found = ts.resolveModuleName(literal.text, containingFile, options, host);
      if (found.resolvedModule !== undefined || !KIT_TYPES_IMPORT.test(literal.text)) return found;
      return { resolvedModule: { resolvedFileName: KIT_TYPES, extension: ts.Extension.Ts, isExternalLibraryImport: false } };
    });
    this.host = host;
  }

  /** Loads the TypeScript compiler (a few hundred milliseconds): only a run with --typecheck pays it. */
  static async create(): Promise<TypeChecker> {
    const ts = (await import('typescript')).default;
    return new TypeChecker(ts);
  }

  /**
   * The submission's first type error as one line ("app.ts:12:5: type error
   * TS2322: Type 'string' is not assignable to type 'number'. (and 2 more)"), or undefined
   * when it has none. Syntax errors and missing files are left to bundling,
   * whose message students already know.
   */
  check(sourcePath: string): string | undefined {
    const ts = this.ts;
    const target = targetOf(sourcePath);
    if (target === undefined) return undefined;
    const program = ts.createProgram({ rootNames: [target.entry], options: this.options, host: this.host });
    const own = program.getSourceFiles().filter((file) => target.owns(file.fileName));
    if (own.some((file) => program.getSyntacticDiagnostics(file).length > 0)) return undefined;
    const errors = own
      .flatMap((file) => program.getSemanticDiagnostics(file))
      .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
    const first = errors[0];
    if (first === undefined) return undefined;
    const message = ts.flattenDiagnosticMessageText(first.messageText, ' ').replace(/\s+/g, ' ');
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    return `${where(ts, first, dirname(target.entry))}${TYPE_ERROR} TS${first.code}: ${message}${more}`;
  }
}

/** True for a load error that check() gave: `npm run serve` runs such an app, so it won't show it. */
export function isTypeError(loadError: string): boolean {
  return /^\S*:\d+:\d+: type error TS\d+: /.test(loadError);
}
