// @ast-grep/napi as the oracle of weft's tree reader: both parse the same text, and their trees
// must agree node for node (kind, UTF-16 range, named, ERROR), so a runtime or grammar that
// differs from the one weft was tested with is caught and named instead of silently changing
// chunks. Walking napi's tree costs a native call per node (~4 us): samples and tests only.
import { parse, type SgNode } from "@ast-grep/napi";
import { napiName } from "../../src/languages/oracle.ts";
import { endOf, FLAG, flagsOf, kindOf, startOf, type FlatTree } from "../../src/tree/flatTree.ts";
import { parseTree } from "../../src/tree/parseTree.ts";

/** The outcome of one comparison: how many nodes agreed, and the first difference if any. */
export type TreeComparison = { nodes: number; mismatch?: string };

/** One node as both sides describe it. */
export type NodeView = { kind: string; start: number; end: number; named: boolean; error: boolean };

function describe(n: NodeView | undefined): string {
  if (!n) return "no node";
  return `${n.error ? "ERROR " : ""}${n.named ? "" : "anonymous "}${JSON.stringify(n.kind)} ${n.start}-${n.end}`;
}

/**
 * Parses `text` with language `id` through the reader and through @ast-grep/napi (registered
 * first with registerOracle) and compares the trees in pre-order. Throws when either cannot parse.
 */
export function compareWithOracle(id: string, text: string): TreeComparison {
  return compareNodes(parseTree(id, text), oracleNodes(id, text));
}

/** @ast-grep/napi's tree of `text` in language `id`, in pre-order. */
export function oracleNodes(id: string, text: string): NodeView[] {
  const out: NodeView[] = [];
  const visit = (n: SgNode): void => {
    const r = n.range();
    const kind = String(n.kind());
    out.push({ kind, start: r.start.index, end: r.end.index, named: n.isNamed(), error: kind === "ERROR" });
    for (const c of n.children()) visit(c);
  };
  visit(parse(napiName(id), text).root());
  return out;
}

/** The first record of `tree` that differs from `oracle`'s node at the same pre-order position. */
export function compareNodes(tree: FlatTree, oracle: readonly NodeView[]): TreeComparison {
  const n = Math.max(tree.count, oracle.length);
  for (let i = 0; i < n; i++) {
    const want = oracle[i];
    const got: NodeView | undefined =
      i < tree.count
        ? {
            kind: kindOf(tree, i),
            start: startOf(tree, i),
            end: endOf(tree, i),
            named: (flagsOf(tree, i) & FLAG.named) !== 0,
            error: (flagsOf(tree, i) & FLAG.error) !== 0,
          }
        : undefined;
    if (
      !got ||
      !want ||
      got.kind !== want.kind ||
      got.start !== want.start ||
      got.end !== want.end ||
      got.named !== want.named ||
      got.error !== want.error
    )
      return { nodes: i, mismatch: `node ${i}: reader has ${describe(got)}, @ast-grep/napi has ${describe(want)}` };
  }
  return { nodes: n };
}
