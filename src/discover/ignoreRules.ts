import { readFileSync } from "node:fs";
import { fsPath } from "./pathBytes.ts";
import ignore, { type Ignore } from "ignore";

/** Tests one path against one file's rules, without looking at its parent directories. */
type PathRules = (path: string) => { ignored: boolean; unignored: boolean };

/**
 * One ignore file's rules, anchored at its directory. `prefix` is the length of that directory's
 * path (with its trailing "/") inside the scope-relative paths this module is given.
 */
type Frame = {
  /** All the file's rules, for any path relative to its directory. */
  rules: PathRules;
  /** All the file's rules for an entry directly in its directory (the path is the name), remembered by name. */
  named: PathRules;
  /**
   * For entries below the file's own directory: the rules that can match there (all but those
   * anchored to one name in it, like "/build"), remembered by the entry's name. Undefined unless
   * each of those looks only at the last path component, so that the name alone decides.
   */
  deep: PathRules | undefined;
  prefix: number;
};

/** The rules in force in one directory. Immutable: subdirectories that add nothing share it. */
export type IgnoreScope = {
  /** Frames per kind of ignore file, shallowest first. */
  weft: readonly Frame[];
  ignore: readonly Frame[];
  git: readonly Frame[];
  /** The enclosing repository's .git/info/exclude, anchored at the repository's top. */
  exclude: Frame | undefined;
  /** Every frame in the order they are consulted (see isIgnored), computed once per scope. */
  order: readonly Frame[];
};

/** Ignore files weft reads in each directory, by kind; a kind listed first takes precedence. */
export const IGNORE_FILES = [
  [".weftignore", "weft"],
  [".ignore", "ignore"],
  [".gitignore", "git"],
] as const;

export const EMPTY_SCOPE: IgnoreScope = { weft: [], ignore: [], git: [], exclude: undefined, order: [] };

/** The consultation order: deepest first within a kind; .weftignore, .ignore, .gitignore, then info/exclude. */
function withOrder(scope: Pick<IgnoreScope, "weft" | "ignore" | "git" | "exclude">): IgnoreScope {
  const order = [...scope.weft]
    .reverse()
    .concat([...scope.ignore].reverse(), [...scope.git].reverse(), scope.exclude ? [scope.exclude] : []);
  return { ...scope, order };
}

/**
 * Compiles gitignore text with the `ignore` package, case-sensitively as git does on Linux.
 * The walk decides parent directories itself (it never enters an ignored one), so each path is
 * tested alone: `Ignore.test` would also let a directory excluded by a shallower file exclude
 * everything below it even when a deeper file re-includes that directory, which git does not.
 */
function compileRules(text: string): PathRules {
  const ig = ignore({ ignorecase: false }).add(text);
  // The `ignore` package's per-path rule test (its RuleManager): not in its typings, so checked here.
  const rules = (
    ig as unknown as { _rules?: { test?: (p: string, mode: string) => { ignored: boolean; unignored: boolean } } }
  )._rules;
  const test = rules?.test;
  return typeof test === "function" ? (path) => test.call(rules, path, "regex") : (path) => (ig as Ignore).test(path);
}

/** A pattern line's body: without a negating "!", trailing spaces and trailing slashes; undefined for blanks and comments. */
function patternBody(line: string): string | undefined {
  if (line.trim() === "" || line.startsWith("#")) return undefined;
  return (line.startsWith("!") ? line.slice(1) : line).trimEnd().replace(/\/+$/, "");
}

/** The frame for one ignore file's text (see Frame.deep for the split). */
function compileFrame(text: string, prefix: number): Frame {
  let compiled = compiledByText.get(text);
  if (!compiled) {
    if (compiledByText.size >= 4096) compiledByText.clear(); // Bounded: a long-lived process walks many trees.
    compiledByText.set(text, (compiled = compileText(text)));
  }
  return { ...compiled, prefix };
}

// Monorepos repeat the same ignore file in many directories: parse each distinct text once.
const compiledByText = new Map<string, Omit<Frame, "prefix">>();

function compileText(text: string): Omit<Frame, "prefix"> {
  const lines = text.split(/\r?\n/);
  // "/name" matches only in the file's own directory; nothing else with a slash is name-only.
  const deepLines = lines.filter((l) => {
    const body = patternBody(l);
    return !(body !== undefined && body.startsWith("/") && !body.slice(1).includes("/"));
  });
  const nameOnly = deepLines.every((l) => !patternBody(l)?.includes("/"));
  const rules = lazy(() => compileRules(text));
  return {
    rules,
    named: remembered(rules),
    deep: nameOnly ? remembered(lazy(() => compileRules(deepLines.join("\n")))) : undefined,
  };
}

/** Rules compiled on first use: many frames need only some of their variants. */
function lazy(make: () => PathRules): PathRules {
  let rules: PathRules | undefined;
  return (path) => (rules ??= make())(path);
}

/** Rules asked about names, answering each name once: real trees repeat names (index.ts, build/) everywhere. */
function remembered(rules: PathRules): PathRules {
  const seen = new Map<string, ReturnType<PathRules>>();
  return (name) => {
    let r = seen.get(name);
    if (r === undefined) seen.set(name, (r = rules(name)));
    return r;
  };
}

function readFrame(path: string, prefix: number): Frame | undefined {
  let text: string;
  try {
    text = readFileSync(fsPath(path), "utf8");
  } catch {
    return undefined; // An unreadable ignore file is treated as absent, like git does.
  }
  return text.trim() === "" ? undefined : compileFrame(text, prefix);
}

/**
 * The scope inside directory `absDir`, whose path relative to the scope's top is `rel` ("" at the
 * top), given the parent's scope and the names the directory holds. Reads only the ignore files
 * that are present. A directory holding `.git` starts a new repository: outer .gitignore files
 * stop applying and its own .git/info/exclude starts to.
 */
export function enterDirectory(
  parent: IgnoreScope,
  absDir: string,
  rel: string,
  has: (name: string) => boolean,
): IgnoreScope {
  const prefix = rel === "" ? 0 : rel.length + 1;
  let scope: Pick<IgnoreScope, "weft" | "ignore" | "git" | "exclude"> = parent;
  if (has(".git")) {
    const gitDir = resolveGitDir(absDir);
    scope = { ...scope, git: [], exclude: gitDir ? readFrame(`${gitDir}/info/exclude`, prefix) : undefined };
  }
  for (const [file, kind] of IGNORE_FILES) {
    if (!has(file)) continue;
    const frame = readFrame(`${absDir}/${file}`, prefix);
    if (frame) scope = { ...scope, [kind]: [...scope[kind], frame] };
  }
  return scope === parent ? parent : withOrder(scope);
}

/** The directory holding a repository's info/ folder: .git itself, or for a worktree or submodule, the "gitdir:" target's common directory. */
function resolveGitDir(repoDir: string): string | undefined {
  const dotGit = `${repoDir}/.git`;
  let text: string;
  try {
    text = readFileSync(fsPath(dotGit), "utf8");
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EISDIR" ? dotGit : undefined;
  }
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (!m) return undefined;
  const gitDir = m[1]!.startsWith("/") ? m[1]! : `${repoDir}/${m[1]}`;
  try {
    const common = readFileSync(fsPath(`${gitDir}/commondir`), "utf8").trim();
    return common.startsWith("/") ? common : `${gitDir}/${common}`;
  } catch {
    return gitDir;
  }
}

/**
 * Whether the scope's rules exclude the entry `name` of the directory `dirRel` (relative to the
 * scope's top, "" at the top); `dir` for directories. As git and ripgrep decide: within a kind, the deepest file with
 * a matching rule decides, by its last matching rule; .weftignore beats .ignore beats .gitignore
 * beats .git/info/exclude.
 */
export function isIgnored(scope: IgnoreScope, dirRel: string, name: string, dir: boolean): boolean {
  const { order } = scope;
  if (order.length === 0) return false;
  const key = dir ? `${name}/` : name;
  // Entries of dirRel have this prefix; each frame's prefix is at most this long (frames are ancestors).
  const prefix = dirRel === "" ? 0 : dirRel.length + 1;
  let path: string | undefined;
  for (let i = 0; i < order.length; i++) {
    const frame = order[i]!;
    const r =
      prefix === frame.prefix
        ? frame.named(key)
        : frame.deep
          ? frame.deep(key)
          : frame.rules((path ??= `${dirRel}/${key}`).slice(frame.prefix));
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}
