import { parse } from "@ast-grep/napi";
import type { CloneOutcome } from "./probe.ts";

/**
 * A value the clone probes must flag, and exactly how. If a control is misclassified, the probes
 * cannot be trusted on real samples either, so the suite fails.
 */
export type NegativeControl = {
  /** Short stable id: the check is `clone.control.<id>`. */
  id: string;
  name: string;
  build: () => unknown;
  expect: { kind: Exclude<CloneOutcome["kind"], "ok">; path: string; how?: string };
};

class Budget {
  constructor(readonly maxTokens: number) {}
  get remaining(): number {
    return this.maxTokens;
  }
  spend(n: number): number {
    return this.maxTokens - n;
  }
}

class ChunkError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "ChunkError";
  }
}

/**
 * The failure modes BUN-PLATFORM.md lists, each wrapped where it would hide in a real result.
 * Class names come from the classes themselves: the compiled binary is minified.
 */
export const NEGATIVE_CONTROLS: readonly NegativeControl[] = [
  {
    id: "sgnode",
    name: "native SgNode",
    build: () => ({ path: "a.js", metadata: { node: parse("JavaScript", "let x = 1").root() } }),
    expect: { kind: "lossy", path: "$.metadata.node", how: "SgNode -> {}" },
  },
  {
    id: "class-instance",
    name: "class instance with method and getter",
    build: () => ({ path: "a.ts", governor: new Budget(512) }),
    expect: { kind: "lossy", path: "$.governor", how: `${Budget.name} -> {maxTokens}` },
  },
  {
    id: "error-subclass",
    name: "Error subclass with code and cause",
    build: () => ({ path: "a.ts", failure: new ChunkError("parse failed", "E_PARSE", { cause: new Error("inner") }) }),
    expect: { kind: "lossy", path: "$.failure", how: `${ChunkError.name} -> Error` },
  },
  {
    id: "map-class-value",
    name: "Map with class-instance value",
    build: () => ({ budgets: new Map([["src/a.ts", new Budget(64)]]) }),
    expect: { kind: "lossy", path: '$.budgets.get("src/a.ts")', how: `${Budget.name} -> {maxTokens}` },
  },
  {
    id: "generator",
    name: "generator",
    build: () => ({
      path: "a.ts",
      chunks: (function* () {
        yield 1;
      })(),
    }),
    expect: { kind: "throws", path: "$.chunks" },
  },
  {
    id: "function",
    name: "function",
    build: () => ({ path: "a.ts", onResult: () => undefined }),
    expect: { kind: "throws", path: "$.onResult" },
  },
  {
    id: "symbol-key",
    name: "symbol-keyed property",
    build: () => ({ path: "a.ts", [Symbol("weft.meta")]: { cached: true } }),
    expect: { kind: "lossy", path: "$[Symbol(weft.meta)]", how: "symbol-keyed property -> missing" },
  },
];

/** Null when `got` is exactly the expected classification, else what differs. */
export function misclassification(control: NegativeControl, got: CloneOutcome): string | null {
  const e = control.expect;
  if (got.kind !== e.kind) return `expected ${e.kind} at ${e.path}, got ${got.kind}`;
  if (got.path !== e.path) return `expected path ${e.path}, got ${got.path}`;
  if (got.kind === "lossy" && e.how !== undefined && got.how !== e.how) return `expected "${e.how}", got "${got.how}"`;
  if (got.kind === "throws" && !/DataCloneError/.test(got.error)) return `expected a DataCloneError, got ${got.error}`;
  return null;
}
