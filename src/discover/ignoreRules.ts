import { readFileSync } from "node:fs";
import ignore, { type Ignore } from "ignore";

/** Tests one path against one file's rules, without looking at its parent directories. */
type PathRules = (path: string) => { ignored: boolean; unignored: boolean };

/**
 * One ignore file's rules, anchored at its directory. `prefix` is the length of that directory's
 * path (with its trailing "/") inside the scope-relative paths this module is given.
 */
type Frame = {
  /** All the file's rules. */
  rules: PathRules;
  /**
   * The rules that can match below the file's own directory: all but those anchored to a single
   * name in it ("/build", "/dist/"). Undefined unless each looks only at the last path component,
   * so that below its directory this file's verdict depends on the entry's name alone.
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
  /** The largest frame prefix: entries deeper than this lie below every frame's directory. */
  deepest: number;
  /**
   * When every frame has `deep` rules: the verdict for entries below all frames' directories,
   * by name ("x.log", "build/"), remembered, since real trees repeat names in every directory.
   */
  byName: Map<string, boolean> | undefined;
};

/** Ignore files weft reads in each directory, by kind; a kind listed first takes precedence. */
export const IGNORE_FILES = [[".weftignore", "weft"], [".ignore", "ignore"], [".gitignore", "git"]] as const;

export const EMPTY_SCOPE: IgnoreScope = { weft: [], ignore: [], git: [], exclude: undefined, order: [], deepest: 0, byName: undefined };

/** The consultation order: deepest first within a kind; .weftignore, .ignore, .gitignore, then info/exclude. */
function withOrder(scope: Pick<IgnoreScope, "weft" | "ignore" | "git" | "exclude">): IgnoreScope {
  const order = [...scope.weft].reverse().concat([...scope.ignore].reverse(), [...scope.git].reverse(), scope.exclude ? [scope.exclude] : []);
  const deepest = Math.max(0, ...order.map((f) => f.prefix));
  return { ...scope, order, deepest, byName: order.every((f) => f.deep) ? new Map() : undefined };
}

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
  return typeof test === "function" ? (path) => test.call(rules, path, "regex") : (path) => (ig as Ignore).test(path);
}

/** A pattern line's body: without a negating "!", trailing spaces and trailing slashes; undefined for blanks and comments. */
function patternBody(line: string): string | undefined {
  if (line.trim() === "" || line.startsWith("#")) return undefined;
  return (line.startsWith("!") ? line.slice(1) : line).trimEnd().replace(/\/+$/, "");
}

/** The frame for one ignore file's text (see Frame.deep for the split). */
export function compileFrame(text: string, prefix: number): Frame {
  const lines = text.split(/\r?\n/);
  // "/name" matches only in the file's own directory; nothing else with a slash is name-only.
  const deepLines = lines.filter((l) => {
    const body = patternBody(l);
    return !(body !== undefined && body.startsWith("/") && !body.slice(1).includes("/"));
  });
  const nameOnly = deepLines.every((l) => !patternBody(l)?.includes("/"));
  return { rules: compileRules(text), deep: nameOnly ? compileRules(deepLines.join("\n")) : undefined, prefix };
}

function readFrame(path: string, prefix: number): Frame | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
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
export function enterDirectory(parent: IgnoreScope, absDir: string, rel: string, has: (name: string) => boolean): IgnoreScope {
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
 * Whether the scope's rules exclude `rel` (relative to the scope's top; its last component is
 * `name`; `dir` for directories). As git and ripgrep decide: within a kind, the deepest file with
 * a matching rule decides, by its last matching rule; .weftignore beats .ignore beats .gitignore
 * beats .git/info/exclude.
 */
export function isIgnored(scope: IgnoreScope, rel: string, name: string, dir: boolean): boolean {
  const { order, byName } = scope;
  if (order.length === 0) return false;
  if (byName && rel.length - name.length > scope.deepest) {
    const key = dir ? `${name}/` : name;
    let verdict = byName.get(key);
    if (verdict === undefined) byName.set(key, (verdict = decide(order, key, false)));
    return verdict;
  }
  return decide(order, dir ? `${rel}/` : rel, true);
}

/**
 * The first decisive frame's verdict. `anchored`: `path` is scope-relative and each frame tests
 * its own part with all its rules; otherwise `path` is a name below every frame's directory.
 */
function decide(order: readonly Frame[], path: string, anchored: boolean): boolean {
  for (let i = 0; i < order.length; i++) {
    const frame = order[i]!;
    const r = anchored ? frame.rules(frame.prefix === 0 ? path : path.slice(frame.prefix)) : frame.deep!(path);
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}
