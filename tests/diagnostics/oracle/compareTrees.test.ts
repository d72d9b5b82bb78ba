// The tree reader against @ast-grep/napi, the oracle: node for node on fixtures (with negative
// controls showing that a difference is caught and named), and on every error-free file of the
// corpus (opt-in: WEFT_CORPUS, which .ci/run sets).
import { describe, expect, test } from "bun:test";
import { existsSync, statSync } from "node:fs";
import { PARSE_LIMIT_BYTES } from "../../../src/chunkers/select.ts";
import { compareNodes, compareWithOracle, oracleNodes } from "../../../diagnostics/oracle/compareTrees.ts";
import { detectByName } from "../../../src/discover/detect.ts";
import { languageById } from "../../../src/languages/table.ts";
import { FLAG, flagsOf } from "../../../src/tree/flatTree.ts";
import { parseTree } from "../../../src/tree/parseTree.ts";
import type { OracleReport } from "./oracleWorker.ts";

const env = process.env.WEFT_CORPUS;
const ROOT = env && env !== "1" && env !== "true" ? env : "/tmp/weft-corpus";
const SRC = `${ROOT}/src`;
const enabled = env !== undefined && existsSync(SRC);

describe("compareWithOracle", () => {
  test("agrees on non-ASCII text, CRLF and syntax errors", () => {
    const cases: [string, string][] = [
      ["python", 'def f(s="😀x"):\r\n    return s + "日本"\r\n'],
      ["typescript", "const a = {\n  b: 1,,\n};\nfunction (\n"],
      ["go", "package p\n\nfunc f() { x := 1 + }\n"],
    ];
    for (const [id, text] of cases) {
      const c = compareWithOracle(id, text);
      expect(c.mismatch).toBeUndefined();
      expect(c.nodes).toBeGreaterThan(10);
    }
  });

  test("a changed range, a changed flag and another grammar are each caught at the first differing node", () => {
    const text = "let n: number = 1;\nfunction f(a: string) { return a; }\n";
    const oracle = oracleNodes("typescript", text);
    const tree = parseTree("typescript", text);
    expect(compareNodes(tree, oracle).mismatch).toBeUndefined();

    const moved = { ...tree, nodes: tree.nodes.slice(0, tree.count * 4) };
    moved.nodes[5 * 4 + 2]! += 1;
    expect(compareNodes(moved, oracle).mismatch).toMatch(/^node 5: reader has .*, @ast-grep\/napi has /);

    const unnamed = { ...tree, nodes: tree.nodes.slice(0, tree.count * 4) };
    unnamed.nodes[3 * 4]! ^= FLAG.named << 16;
    expect(compareNodes(unnamed, oracle).mismatch).toMatch(/^node 3: /);

    // The JavaScript grammar does not know type annotations: its tree holds an ERROR.
    const js = parseTree("javascript", text);
    expect(flagsOf(js, 0) & FLAG.hasError).toBeTruthy();
    expect(compareNodes(js, oracle).mismatch).toMatch(/^node \d+: reader has /);
  });
});

describe.skipIf(!enabled)("corpus", () => {
  test("every error-free file of the corpus: the reader's tree equals the oracle's node for node", async () => {
    const files: [string, string][] = [];
    for (const path of [...new Bun.Glob("**/*").scanSync({ cwd: SRC, onlyFiles: true })].sort()) {
      const language = detectByName(path)?.language;
      // Files above the parse limit are not parsed by weft either.
      if (language && languageById(language)?.grammar && statSync(`${SRC}/${path}`).size <= PARSE_LIMIT_BYTES)
        files.push([path, language]);
    }
    // napi's tree costs a native call per node: split the files over one worker per core.
    const workers = Math.max(1, Math.min(4, navigator.hardwareConcurrency));
    const reports = await Promise.all(
      Array.from({ length: workers }, (_, w) => {
        const worker = new Worker(new URL("./oracleWorker.ts", import.meta.url).href);
        return new Promise<OracleReport>((resolve, reject) => {
          worker.onmessage = (e: MessageEvent<OracleReport>) => resolve(e.data);
          worker.onerror = (e) => reject(new Error(e.message));
          worker.postMessage({ root: SRC, files: files.filter((_, i) => i % workers === w) });
        }).finally(() => worker.terminate());
      }),
    );
    const total = reports.reduce((a, r) => ({
      compared: a.compared + r.compared,
      withErrors: a.withErrors + r.withErrors,
      nodes: a.nodes + r.nodes,
      mismatches: [...a.mismatches, ...r.mismatches],
    }));
    console.error(
      `oracle: ${total.compared} error-free files, ${total.nodes} nodes compared; ${total.withErrors} files with errors left out`,
    );
    expect(total.compared).toBeGreaterThan(3000);
    expect(total.mismatches).toEqual([]);
  }, 600_000);
});
