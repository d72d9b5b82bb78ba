import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { parse } from "@ast-grep/napi";
import { cloneChecks } from "../../../diagnostics/clone/checks.ts";
import { NEGATIVE_CONTROLS, type NegativeControl } from "../../../diagnostics/clone/controls.ts";
import { probeClone } from "../../../diagnostics/clone/probe.ts";
import { openWorkerSession } from "../../../diagnostics/workerSession.ts";
import { CLONE_REGISTRY, type CloneEntry } from "../../../diagnostics/clone/registry.ts";

// Worker runs load the tokenizer and parsers in every worker: give them room on a busy machine
// (the preload's default timeout does not reach every file of a multi-file run).
setDefaultTimeout(120_000);

const session = openWorkerSession();
afterAll(() => session.close());

const workerEcho = async (value: unknown) => {
  const res = await session.request({ type: "echo", value }, 10_000);
  if (res.type !== "echo-result") throw new Error(res.type);
  return res.value;
};

/** A registry holding only `name`, whose first sample is changed by `inject`. */
function tampered(name: string, inject: (sample: Record<string, unknown>) => void): Record<string, CloneEntry> {
  const entry = CLONE_REGISTRY[name]!;
  return {
    [name]: {
      schema: entry.schema,
      samples: () =>
        entry
          .samples()
          .slice(0, 1)
          .map((s) => {
            const value = structuredClone(s.value) as Record<string, unknown>;
            inject(value);
            return { name: s.name, value };
          }),
    },
  };
}

describe("negative controls", () => {
  // The exact classification of each control, through structuredClone and through a real worker.
  const EXPECTED: Record<string, { kind: "lossy" | "throws"; path: string; how?: string }> = {
    sgnode: { kind: "lossy", path: "$.metadata.node", how: "SgNode -> {}" },
    "class-instance": { kind: "lossy", path: "$.governor", how: "Budget -> {maxTokens}" },
    "error-subclass": { kind: "lossy", path: "$.failure", how: "ChunkError -> Error" },
    "map-class-value": { kind: "lossy", path: '$.budgets.get("src/a.ts")', how: "Budget -> {maxTokens}" },
    generator: { kind: "throws", path: "$.chunks" },
    function: { kind: "throws", path: "$.onResult" },
    "symbol-key": { kind: "lossy", path: "$[Symbol(weft.meta)]", how: "symbol-keyed property -> missing" },
  };

  test("the suite has exactly the required controls", () => {
    expect(NEGATIVE_CONTROLS.map((c) => c.id).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const control of NEGATIVE_CONTROLS) {
    test(`${control.name} is classified exactly, via structuredClone and via a worker`, async () => {
      const want = EXPECTED[control.id]!;
      for (const transport of [structuredClone, workerEcho]) {
        const { outcome } = await probeClone(control.build(), transport);
        expect(outcome.kind).toBe(want.kind);
        expect(outcome.kind === "ok" ? "" : outcome.path).toBe(want.path);
        if (outcome.kind === "lossy") expect(outcome.how).toBe(want.how!);
        if (outcome.kind === "throws") expect(outcome.error).toContain("DataCloneError");
      }
    });
  }

  test("a misclassified control fails its check", async () => {
    const wrong: NegativeControl = {
      id: "wrong",
      name: "plain data claimed lossy",
      build: () => ({ a: 1 }),
      expect: { kind: "lossy", path: "$.a" },
    };
    const wrongPath: NegativeControl = {
      ...NEGATIVE_CONTROLS.find((c) => c.id === "function")!,
      id: "wrong-path",
      expect: { kind: "throws", path: "$.elsewhere" },
    };
    const checks = await cloneChecks(session, { registry: {}, controls: [wrong, wrongPath] });
    const byId = new Map(checks.map((c) => [c.id, c]));
    expect(byId.get("clone.control.wrong")?.status).toBe("fail");
    expect(byId.get("clone.control.wrong")?.detail).toContain("expected lossy at $.a, got ok");
    expect(byId.get("clone.control.wrong-path")?.status).toBe("fail");
    expect(byId.get("clone.control.wrong-path")?.detail).toContain("expected path $.elsewhere, got $.onResult");
  });
});

describe("clone checks on the registry", () => {
  test("every registered schema passes, and every check is listed", async () => {
    const checks = await cloneChecks(session);
    expect(checks.filter((c) => c.status !== "pass")).toEqual([]);
    const ids = checks.map((c) => c.id);
    for (const name of Object.keys(CLONE_REGISTRY)) expect(ids).toContain(`clone.${name}`);
    expect(ids).toContain("clone.registry");
    expect(ids.filter((id) => id.startsWith("clone.control.")).length).toBe(NEGATIVE_CONTROLS.length);
  });

  test("a getter injected into a domain object is reported lossy at its path", async () => {
    const registry = tampered("Chunk", (c) => Object.defineProperty(c, "tokens", { get: () => 7, enumerable: true }));
    const [, check] = await cloneChecks(session, { registry, controls: [] });
    expect(check).toMatchObject({ id: "clone.Chunk", status: "fail" });
    expect(check!.detail).toContain("via structuredClone: lossy at $.tokens: getter -> data property number 7");
    expect(check!.detail).toContain("via worker: lossy at $.tokens: getter -> data property number 7");
  });

  test("a native handle inside a nested result is reported lossy at its path", async () => {
    const registry = tampered("FileResult", (r) => {
      (r.chunks as Record<string, unknown>[])[0]!.scope = [parse("JavaScript", "f()").root()];
    });
    const [, check] = await cloneChecks(session, { registry, controls: [] });
    expect(check!.status).toBe("fail");
    expect(check!.detail).toContain("lossy at $.chunks[0].scope[0]: SgNode -> {}");
  });

  test("an unclonable value in a message is reported with its field path", async () => {
    const registry = tampered("WorkerRequest", (r) => {
      r.governor = { ...(r.governor as object), onBudget: () => 0 };
    });
    const [, check] = await cloneChecks(session, { registry, controls: [] });
    expect(check!.status).toBe("fail");
    expect(check!.detail).toMatch(/via structuredClone: throws at \$\.governor\.onBudget: DataCloneError/);
    expect(check!.detail).toMatch(/via worker: throws at \$\.governor\.onBudget: DataCloneError/);
  });

  test("a copy that no longer fits its schema is reported, and a sample that never did", async () => {
    // A class instance whose clone loses the field the schema needs (a getter on the prototype).
    class Sel {
      get strategy() {
        return "text";
      }
      reason = "r";
    }
    const schema = CLONE_REGISTRY.Selection!.schema;
    const checks = await cloneChecks(session, {
      registry: {
        Selection: { schema, samples: () => [{ name: "class", value: new Sel() }] },
        Broken: { schema, samples: () => [{ name: "bad", value: { strategy: "nope", reason: "" } }] },
      },
      controls: [],
    });
    expect(checks.find((c) => c.id === "clone.Selection")!.detail).toContain(`lossy at $: ${Sel.name} -> {reason}`);
    expect(checks.find((c) => c.id === "clone.Broken")!.detail).toContain(
      `sample "bad" does not match its schema at $.strategy`,
    );
  });
});
