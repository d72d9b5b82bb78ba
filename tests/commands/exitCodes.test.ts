import { expect, test } from "bun:test";
import { EXIT, exitCode, type Outcome } from "../../src/commands/exitCodes.ts";

test("exitCode: 3 > 130/143 > 1 > 4 > 0; a usage error alone is 2; a closed stdout ends quietly", () => {
  const cases: [Outcome, number][] = [
    [{}, EXIT.ok],
    [{ degraded: true }, EXIT.degraded],
    [{ failed: true, degraded: true }, EXIT.someFailed],
    [{ signal: "SIGINT", failed: true, degraded: true }, EXIT.sigint],
    [{ signal: "SIGTERM", failed: true }, EXIT.sigterm],
    [{ internal: true, signal: "SIGINT", failed: true }, EXIT.internal],
    [{ outputClosed: true, failed: true, degraded: true }, EXIT.ok],
    [{ outputClosed: true, internal: true }, EXIT.internal],
    [{ outputClosed: true, signal: "SIGTERM" }, EXIT.sigterm],
    [{ usage: true }, EXIT.usage],
    [{ internal: false, signal: undefined, outputClosed: false, failed: false, degraded: false }, EXIT.ok],
  ];
  for (const [outcome, code] of cases) expect([outcome, exitCode(outcome)]).toEqual([outcome, code]);
});
