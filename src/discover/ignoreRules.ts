import { readFileSync } from "node:fs";
import ignore, { type Ignore } from "ignore";

/**
 * One ignore file's rules, anchored at its directory. `prefix` is the length of that directory's
 * path (with its trailing "/") inside the scope-relative paths this module is given.
 */
type Frame = { rules: PathRules; prefix: number };

/** The rules in force in one directory. Immutable: subdirectories that add nothing share it. */
export type IgnoreScope = {
  /** Frames per kind of ignore file, shallowest first. */
  weft: readonly Frame[];
  ignore: readonly Frame[];
  git: readonly Frame[];
  /** The enclosing repository's .git/info/exclude, anchored at the repository's top. */
  exclude: Frame | undefined;
};

/** Ignore files weft reads in each directory, by kind; a kind listed first takes precedence. */
export const IGNORE_FILES = [[".weftignore", "weft"], [".ignore", "ignore"], [".gitignore", "git"]] as const;

export const EMPTY_SCOPE: IgnoreScope = { weft: [], ignore: [], git: [], exclude: undefined };

/** Tests one path against one file's rules, without looking at its parent directories. */
type PathRules = (path: string) => { ignored: boolean; unignored: boolean };

/**
 * Compiles gitignore text with the `ignore` package, case-sensitively as git does on Linux.
 * The walk decides parent directories itself (it never enters an ignored one), so each path is
 * tested alone: `Ignore.test` would also let a directory excluded by a shallower file exclude
 * everything below it even when a deeper file re-includes that directory, which git does not.
 */
export function compileRules(text: string): PathRules {
  const ig = ignore({ ignorecase: false }).add(text);
  // The `ignore` package's per-path rule test (its RuleManager): not in its typings, so checked here.
  const rules = (ig as unknown as { _rules?: { test?: (p: string, mode: string) => { ignored: boolean; unignored: boolean } } })._rules;
  const test = rules?.test;
  if (typeof test !== "function") return (path) => (ig as Ignore).test(path);
  return (path) => test.call(rules, path, "regex");
}

function readRules(path: string): PathRules | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined; // An unreadable ignore file is treated as absent, like git does.
  }
  return text.trim() === "" ? undefined : compileRules(text);
}

/**
 * The scope inside directory `absDir`, whose path relative to the scope's top is `rel` ("" at the
 * top), given the parent's scope and the names the directory holds. Reads only the ignore files
 * that are present. A directory holding `.git` starts a new repository: outer .gitignore files
 * stop applying and its own .git/info/exclude starts to.
 */
export function enterDirectory(parent: IgnoreScope, absDir: string, rel: string, has: (name: string) => boolean): IgnoreScope {
  const prefix = rel === "" ? 0 : rel.length + 1;
  let scope = parent;
  if (has(".git")) {
    const exclude = readExclude(absDir);
    scope = { ...scope, git: [], exclude: exclude ? { rules: exclude, prefix } : undefined };
  }
  for (const [file, kind] of IGNORE_FILES) {
    if (!has(file)) continue;
    const rules = readRules(`${absDir}/${file}`);
    if (rules) scope = { ...scope, [kind]: [...scope[kind], { rules, prefix }] };
  }
  return scope;
}

/** The rules of a repository's .git/info/exclude (.git may be a directory or a "gitdir:" file). */
export function readExclude(repoDir: string): PathRules | undefined {
  const gitDir = resolveGitDir(repoDir);
  return gitDir ? readRules(`${gitDir}/info/exclude`) : undefined;
}

/** The directory holding a repository's info/ folder: .git itself, or for a worktree or submodule, the "gitdir:" target's common directory. */
function resolveGitDir(repoDir: string): string | undefined {
  const dotGit = `${repoDir}/.git`;
  let text: string;
  try {
    text = readFileSync(dotGit, "utf8");
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EISDIR" ? dotGit : undefined;
  }
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (!m) return undefined;
  const gitDir = m[1]!.startsWith("/") ? m[1]! : `${repoDir}/${m[1]}`;
  try {
    const common = readFileSync(`${gitDir}/commondir`, "utf8").trim();
    return common.startsWith("/") ? common : `${gitDir}/${common}`;
  } catch {
    return gitDir;
  }
}

/**
 * Whether the scope's rules exclude `rel` (relative to the scope's top; `dir` for directories).
 * Like git and ripgrep: within a kind the deepest file that has a matching rule decides, and its
 * last matching rule wins; .weftignore beats .ignore beats .gitignore beats .git/info/exclude.
 */
export function isIgnored(scope: IgnoreScope, rel: string, dir: boolean): boolean {
  const path = dir ? `${rel}/` : rel;
  for (const frames of [scope.weft, scope.ignore, scope.git]) {
    for (let i = frames.length - 1; i >= 0; i--) {
      const frame = frames[i]!;
      const r = frame.rules(path.slice(frame.prefix));
      if (r.ignored) return true;
      if (r.unignored) return false;
    }
  }
  if (scope.exclude) return scope.exclude.rules(path.slice(scope.exclude.prefix)).ignored;
  return false;
}
