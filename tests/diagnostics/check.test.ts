import { describe, expect, test } from "bun:test";
import { runCheck, runPhase, verdict } from "../../diagnostics/check.ts";

describe("runCheck", () => {
  test("a thrown error is a failed check with its first line, never a crash", async () => {
    const check = await runCheck("x.throws", "env", () => {
      throw new Error("broken\nsecond line");
    });
    expect({ ...check, ms: 0 }).toEqual({
      id: "x.throws",
      section: "env",
      status: "fail",
      ms: 0,
      detail: "check crashed: broken",
    });
  });
});

describe("runPhase", () => {
  test("hands the value it produced on, with the verdict judge gave on it", async () => {
    const { check, result } = await runPhase(
      "x.phase",
      "executor",
      async () => [1, 2, 3],
      (v) => verdict(v.length === 3 ? [] : ["wrong length"], `${v.length} values`),
    );
    expect(result).toEqual({ ok: true, value: [1, 2, 3] });
    expect([check.id, check.section, check.status, check.detail]).toEqual(["x.phase", "executor", "pass", "3 values"]);
  });

  test("a produce that throws (even before its first await) settles as the error, with a crashed check by default", async () => {
    const error = new Error("deadline missed");
    const { check, result } = await runPhase(
      "x.phase",
      "executor",
      () => {
        throw error;
      },
      () => verdict([], "never"),
    );
    expect(result).toEqual({ ok: false, error });
    expect([check.status, check.detail]).toEqual(["fail", "check crashed: deadline missed"]);
  });

  test("a given `failed` phrases the failure; a judge that throws is a crashed check with the value still handed on", async () => {
    const failed = await runPhase(
      "x.phase",
      "executor",
      async () => Promise.reject("no pool"),
      () => verdict([], "never"),
      (err) => ({ status: "fail", detail: `it said: ${String(err)}` }),
    );
    expect(failed.check.detail).toBe("it said: no pool");
    const judged = await runPhase(
      "x.phase",
      "executor",
      async () => 7,
      () => {
        throw new Error("judge broke");
      },
    );
    expect(judged.result).toEqual({ ok: true, value: 7 });
    expect([judged.check.status, judged.check.detail]).toEqual(["fail", "check crashed: judge broke"]);
  });
});
