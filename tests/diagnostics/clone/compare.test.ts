import { describe, expect, test } from "bun:test";
import { parse } from "@ast-grep/napi";
import { childPath, firstDifference } from "../../../diagnostics/clone/compare.ts";
import { locateUnclonable, probeClone } from "../../../diagnostics/clone/probe.ts";

const roundTrip = (x: unknown) => firstDifference(x, structuredClone(x));

describe("firstDifference", () => {
  test("values structured clone keeps intact compare equal", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const sparse = [1, , 3];
    for (const x of [
      { n: -0, nan: NaN, big: 10n ** 30n, u: undefined, s: "🧵\uD800", nil: null },
      new Map<unknown, unknown>([
        ["k", { v: [1, 2] }],
        [{ objKey: 1 }, new Set([1, "two"])],
      ]),
      new Date(0),
      /a+b/giu,
      new Uint16Array([1, 2, 65535]),
      new Float64Array([NaN, -0]),
      new ArrayBuffer(8),
      cyclic,
      sparse,
      [],
    ])
      expect(roundTrip(x)).toBeNull();
  });

  test("names the first differing path and what happened", () => {
    expect(firstDifference({ a: { b: [1, 2] } }, { a: { b: [1, 3] } })).toEqual({
      path: "$.a.b[1]",
      how: "number 2 -> number 3",
    });
    expect(firstDifference({ a: 0 }, { a: -0 })).toEqual({ path: "$.a", how: "number 0 -> number -0" });
    expect(firstDifference({ "odd key": 1 }, {})).toEqual({ path: '$["odd key"]', how: "number 1 -> missing" });
    expect(firstDifference({}, { extra: true })).toEqual({ path: "$.extra", how: "missing -> true" });
    expect(firstDifference(new Map([["k", 1]]), new Map([["k", 2]]))).toEqual({
      path: '$.get("k")',
      how: "number 1 -> number 2",
    });
    expect(firstDifference(new Set([1]), new Set([1, 2]))?.how).toBe("Set of 1 -> Set of 2");
    expect(firstDifference(new Uint8Array([1, 2]), new Uint8Array([1, 9]))).toEqual({
      path: "$[1]",
      how: "number 2 -> number 9",
    });
    expect(firstDifference(new Date(0), new Date(1))?.path).toBe("$");
  });

  test("sees what structured clone silently drops", () => {
    const withGetter = Object.defineProperty({ a: 1 }, "tokens", { get: () => 5, enumerable: true });
    expect(roundTrip(withGetter)).toEqual({ path: "$.tokens", how: "getter -> data property number 5" });
    const hidden = Object.defineProperty({ a: 1 }, "secret", { value: 1, enumerable: false });
    expect(roundTrip(hidden)).toEqual({ path: "$.secret", how: "non-enumerable property -> missing" });
    expect(roundTrip({ x: Object.create(null) })).toEqual({ path: "$.x", how: "null-prototype object -> {}" });
    const re = /x/g;
    re.lastIndex = 3;
    expect(roundTrip({ re })).toEqual({ path: "$.re.lastIndex", how: "number 3 -> number 0" });
    expect(roundTrip({ node: parse("JavaScript", "let x = 1").root() })).toEqual({
      path: "$.node",
      how: "SgNode -> {}",
    });
    const shared = { s: 1 };
    expect(firstDifference({ a: shared, b: shared }, { a: { s: 1 }, b: { s: 1 } })).toEqual({
      path: "$.b",
      how: "shared reference -> separate copy",
    });
  });

  test("childPath quotes keys that are not identifiers", () => {
    expect(childPath("$", "a")).toBe("$.a");
    expect(childPath("$", "0")).toBe("$[0]");
    expect(childPath("$", "a-b")).toBe('$["a-b"]');
    expect(childPath("$", Symbol("s"))).toBe("$[Symbol(s)]");
  });
});

describe("probeClone", () => {
  test("locates the field that cannot be cloned", async () => {
    expect(locateUnclonable({ ok: [1, { deep: { fn: () => 1 } }] })).toMatchObject({
      path: "$.ok[1].deep.fn",
      error: expect.stringContaining("DataCloneError"),
    });
    expect(locateUnclonable(new Map([["k", { p: Promise.resolve() }]]))?.path).toBe("$.values()[0].p");
    expect(locateUnclonable({ fine: 1 })).toBeNull();
    const { outcome } = await probeClone({ a: { w: new WeakMap() } }, structuredClone);
    expect(outcome).toMatchObject({ kind: "throws", path: "$.a.w" });
  });

  test("a transport that fails for its own reasons is reported as throws at the root", async () => {
    const { outcome } = await probeClone({ a: 1 }, () => {
      throw new Error("worker exited (code 1)");
    });
    expect(outcome).toEqual({ kind: "throws", path: "$", error: "Error: worker exited (code 1)" });
  });
});
