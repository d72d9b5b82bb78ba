// The tree reader against @ast-grep/napi (the oracle) on each language's sample, in the main
// thread and in a Bun Worker: same nodes, kinds, named flags and UTF-16 ranges, in the same order.
import { parse, type SgNode } from "@ast-grep/napi";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { napiName } from "../../src/languages/oracle.ts";
import { SAMPLES } from "../../src/languages/samples.ts";
import { grammarLanguages } from "../../src/languages/table.ts";
import type { FlatTree } from "../../src/tree/flatTree.ts";
import { WeftError } from "../../src/model/errors.ts";
import { grammarStatus, openGrammar, parseTree } from "../../src/tree/parseTree.ts";

type Node = { kind: string; named: boolean; start: number; end: number };

function fromNapi(id: string, text: string): Node[] {
  const out: Node[] = [];
  const visit = (n: SgNode) => {
    const r = n.range();
    out.push({ kind: String(n.kind()), named: n.isNamed(), start: r.start.index, end: r.end.index });
    for (const c of n.children()) visit(c);
  };
  visit(parse(napiName(id), text).root());
  return out;
}

function fromRecords(t: FlatTree, records: ArrayLike<number> = t.nodes): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < t.count; i++) {
    const w0 = records[i * 4]!;
    out.push({
      kind: t.names.symbols[w0 & 0xffff]!,
      named: ((w0 >>> 16) & 0x01) !== 0,
      start: records[i * 4 + 1]!,
      end: records[i * 4 + 2]!,
    });
  }
  return out;
}

/** Every record's w3 points past its subtree: children tile their parent in order. */
function checkShape(t: FlatTree): void {
  const n = t.nodes;
  const bad: string[] = [];
  if (n[3] !== t.count) bad.push(`root ends at ${n[3]}, not ${t.count}`);
  for (let i = 0; i < t.count && bad.length < 5; i++) {
    const end = n[i * 4 + 3]!;
    if (end <= i || end > t.count) bad.push(`${i}: subtree end ${end}`);
    for (let c = i + 1; c < end; c = n[c * 4 + 3]!) {
      const inside = n[c * 4 + 1]! >= n[i * 4 + 1]! && n[c * 4 + 2]! <= n[i * 4 + 2]! && n[c * 4 + 3]! <= end;
      if (!inside) bad.push(`${i}: child ${c} outside its parent`);
    }
  }
  expect(bad).toEqual([]);
}

const ids = grammarLanguages().map((l) => l.id);
// Non-ASCII text: offsets are UTF-16 code units of the string, as napi reports them.
const UNICODE: Record<string, string> = {
  python: `# é — 日本\ndef f(s="😀x"):\n    return s + "ü"\n`,
  javascript: `const s = "😀😀"; // ✓\nfunction g(a) { return a + "日本"; }\n`,
  typescript: `let t: string = "ĉ😀";\nexport const n = t.length;\n`,
};

describe("parseTree, main thread", () => {
  for (const id of ids) {
    test(`${id}: loads (ABI in range) and matches @ast-grep/napi node for node on its sample`, () => {
      const st = grammarStatus(id);
      expect(st).toMatchObject({ ok: true });
      if (!st.ok) return;
      expect(st.abi).toBeGreaterThanOrEqual(st.abiRange[0]);
      expect(st.abi).toBeLessThanOrEqual(st.abiRange[1]);
      expect(st.runtime).toBe("tree-sitter 0.25.1");
      const text = SAMPLES[id]!;
      const t = parseTree(id, text);
      checkShape(t);
      expect(t.nodes[0]! & 0x40000).toBe(0); // no has_error on the root: the sample parses cleanly
      expect(fromRecords(t)).toEqual(fromNapi(id, text));
    });
  }

  for (const [id, text] of Object.entries(UNICODE))
    test(`${id}: UTF-16 offsets on non-ASCII text match @ast-grep/napi`, () => {
      const t = parseTree(id, text);
      checkShape(t);
      expect(fromRecords(t)).toEqual(fromNapi(id, text));
      expect(t.nodes[2]).toBe(text.length);
    });

  test("a syntax error: ERROR nodes and flags as napi sees them", () => {
    const text = "def f(:\n    return )\nx = 1\n";
    const t = parseTree("python", text);
    expect(fromRecords(t)).toEqual(fromNapi("python", text));
    expect((t.nodes[0]! >>> 16) & 0x04).toBe(0x04); // has_error on the root
    const errors = fromRecords(t).filter((n) => n.kind === "ERROR");
    expect(errors.length).toBeGreaterThan(0);
  });

  test("a tree larger than the scratch array: one parse, every node written", () => {
    const text = Array.from({ length: 20000 }, (_, i) => `x${i} = [${i}, ${i + 1}]\n`).join("");
    const t = parseTree("python", text);
    expect(t.count).toBeGreaterThan(65536);
    checkShape(t);
    expect(t.nodes[2]).toBe(text.length);
    const small = parseTree("python", "a = 1\n");
    expect(fromRecords(small)).toEqual(fromNapi("python", "a = 1\n"));
  });

  test("a depth limit writes the top levels only and flags the nodes it cut", () => {
    const text = SAMPLES.python!;
    const full = fromRecords(parseTree("python", text));
    const t = parseTree("python", text, 1);
    checkShape(t);
    const top = fromRecords(t);
    expect(top[0]).toEqual(full[0]!);
    const children = top.slice(1);
    expect(children.length).toBeGreaterThan(0);
    for (let i = 1; i < t.count; i++) expect(t.nodes[i * 4 + 3]).toBe(i + 1); // leaves at depth 1
    expect(children.some((_, i) => ((t.nodes[(i + 1) * 4]! >>> 16) & 0x20) !== 0)).toBe(true);
  });

  test("empty text: a root and nothing else", () => {
    const t = parseTree("go", "");
    expect(t.count).toBe(1);
    expect(t.nodes[1]).toBe(0);
    expect(t.nodes[2]).toBe(0);
  });

  test("field names come once per language, 0 is no field", () => {
    const t = parseTree("python", "def f(a):\n    return a\n");
    expect(t.names.fields[0]).toBe("");
    const fields = new Set<string>();
    for (let i = 0; i < t.count; i++) fields.add(t.names.fields[t.nodes[i * 4]! >>> 24]!);
    expect([...fields].sort()).toEqual(["", "body", "name", "parameters"]);
    expect(t.names.symbols[0xffff]).toBe("ERROR");
  });

  test("an unknown language is a WeftError, not a crash", () => {
    expect(() => parseTree("cobol", "x")).toThrow("no grammar");
    expect(grammarStatus("cobol")).toEqual({ ok: false, code: "no-grammar", error: "cobol: no grammar" });
  });
});

describe("parseTree in a Bun Worker (the worker opens the library itself)", () => {
  test("every language gives the main thread's records", async () => {
    const jobs = [
      ...ids.map((id) => ({ id, text: SAMPLES[id]! })),
      ...Object.entries(UNICODE).map(([id, text]) => ({ id, text })),
    ];
    const worker = new Worker(new URL("./parseWorker.ts", import.meta.url).href);
    try {
      const got = await new Promise<{ id: string; records?: number[]; error?: string }[]>((resolve, reject) => {
        worker.addEventListener("message", (e) => resolve(e.data));
        worker.addEventListener("error", (e) => reject(new Error(e.message)));
        worker.postMessage(jobs);
      });
      expect(got.length).toBe(jobs.length);
      for (const [i, job] of jobs.entries()) {
        expect(got[i]!.error).toBeUndefined();
        const t = parseTree(job.id, job.text);
        expect(got[i]!.records).toEqual(Array.from(t.nodes.subarray(0, t.count * 4)));
      }
    } finally {
      worker.terminate();
    }
  });
});

const cc = Bun.which("cc") ?? Bun.which("gcc");
describe.skipIf(!cc)("a grammar generated for an ABI outside the runtime's range", () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-abi-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A TSLanguage starts with its ABI version; the reader reads nothing else before refusing it.
  const fake = (abi: number) => {
    const src = join(dir, `abi${abi}.c`);
    writeFileSync(
      src,
      `static const unsigned language[64] = { ${abi} };\nconst void *tree_sitter_fake(void) { return language; }\n`,
    );
    const out = join(dir, `abi${abi}.so`);
    expect(Bun.spawnSync([cc!, "-shared", "-fPIC", "-o", out, src]).exitCode).toBe(0);
    return out;
  };
  for (const [abi, fix] of [
    [12, "the grammar must be regenerated with a newer tree-sitter"],
    [16, "weft needs a newer tree-sitter runtime"],
  ] as const)
    test(`ABI ${abi}: refused with a WeftError naming the grammar, both ABIs and the fix`, () => {
      let error: unknown;
      try {
        openGrammar(`fake${abi}`, "tree_sitter_fake", { path: fake(abi) });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(WeftError);
      expect((error as WeftError).code).toBe("grammar-abi");
      expect((error as WeftError).message).toBe(
        `fake${abi} grammar has ABI ${abi}, outside the range of weft's tree-sitter 0.25.1 runtime (13-15); ${fix} to use it`,
      );
      expect((error as WeftError).file).toMatch(new RegExp(`/fake${abi}-[0-9a-f]{32}\\.so$`));
    });
});
