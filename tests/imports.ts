// The relative-import graph of weft's TypeScript, for the layering test (tests/layers.test.ts). It
// reads the same imports as /work/shared/tools/import-cycles.py (`import ... from` and `export ...
// from`) and also side-effect imports and `import("...")`, so it finds every circle that script does.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

/** Files (relative to the root, with "/") and the files each one imports. */
export type ImportGraph = Map<string, Set<string>>;

const SPECIFIERS = [
  /^\s*(?:import|export)\s[^;]*?from\s+["'](\.[^"']+)["']/gm, // import x from "./a", export { y } from "./b"
  /^\s*import\s+["'](\.[^"']+)["']/gm, // import "./a" (side effect only)
  /\bimport\(\s*["'](\.[^"']+)["']\s*\)/g, // import("./a"), typeof import("./a")
];

/** Every .ts file (not .d.ts) under `dir`, recursively. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => join(e.parentPath, e.name));
}

/** The relative specifiers a source text imports from, in order of appearance per pattern. */
export function relativeSpecifiers(source: string): string[] {
  return SPECIFIERS.flatMap((re) => [...source.matchAll(re)].map((m) => m[1]!));
}

/**
 * The import graph of the .ts files under `dirs` of `root`. A specifier resolves as written, with
 * ".ts" added, or to its index.ts; one that leads outside the scanned files (a package, a file in
 * another folder) is no edge.
 */
export function importGraph(root: string, dirs: readonly string[]): ImportGraph {
  const files = dirs.flatMap((d) => tsFiles(join(root, d))).map((f) => normalize(f));
  const known = new Set(files);
  const key = (f: string) => relative(root, f).split("\\").join("/");
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const out = new Set<string>();
    for (const spec of relativeSpecifiers(readFileSync(file, "utf8"))) {
      const target = normalize(join(dirname(file), spec));
      const hit = [target, `${target}.ts`, join(target, "index.ts")].find((c) => known.has(c));
      if (hit) out.add(key(hit));
    }
    graph.set(key(file), out);
  }
  return graph;
}

/**
 * The circles of a graph: each set of files that reach one another through imports (a strongly
 * connected component of two or more files, or a file importing itself), sorted, by Tarjan's algorithm.
 */
export function circles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.has(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Each import of a file in `graph` for which `allowed(from, to)` is false, as "from -> to". */
export function forbiddenImports(graph: ImportGraph, allowed: (from: string, to: string) => boolean): string[] {
  return [...graph].flatMap(([from, tos]) =>
    [...tos].filter((to) => !allowed(from, to)).map((to) => `${from} -> ${to}`),
  );
}
