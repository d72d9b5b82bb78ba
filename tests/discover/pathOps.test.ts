import { describe, expect, test } from "bun:test";
import * as node from "node:path";
import * as ops from "../../src/discover/pathOps.ts";
import { seededRandom } from "../random.ts";

describe("path operations that keep every code unit", () => {
  test("the POSIX operations give node:path.posix's results on 50,000 generated paths", () => {
    const atoms = ["a", "bc", "/", "//", ".", "..", "...", "é"];
    const next = seededRandom(7);
    for (let i = 0; i < 50_000; i++) {
      let p = "";
      for (let k = Math.floor(next() * 7); k > 0; k--) p += atoms[Math.floor(next() * atoms.length)];
      expect([
        p,
        ops.posixNormalize(p),
        ops.posixBasename(p),
        ops.posixDirname(p),
        ops.posixResolve("/cwd/x", p),
      ]).toEqual([
        p,
        node.posix.normalize(p),
        node.posix.basename(p),
        node.posix.dirname(p),
        node.posix.resolve("/cwd/x", p),
      ]);
    }
  });

  test("a byte of a name that is not UTF-8 survives, where Bun's node:path turns it into U+FFFD", () => {
    const p = "d\udcfe/./x/../bad\udcff.py";
    expect(ops.normalize(p)).toBe("d\udcfe/bad\udcff.py");
    expect(ops.resolve("/r\udc80", p)).toBe("/r\udc80/d\udcfe/bad\udcff.py");
    expect(ops.resolve("/r", "d\udcfe/")).toBe("/r/d\udcfe");
    expect(ops.basename(p)).toBe("bad\udcff.py");
    expect(ops.dirname("/r\udc80/a")).toBe("/r\udc80");
    // Why the module exists (when Bun keeps lone surrogates, it can go).
    expect(node.normalize("bad\udcff.py")).toBe("bad\ufffd.py");
  });
});
