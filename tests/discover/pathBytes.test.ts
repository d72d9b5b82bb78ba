import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { decodePath, encodePath, fsPath, hasRawBytes, quotePath } from "../../src/discover/pathBytes.ts";
import { seededRandom } from "../random.ts";
import { git, removeTree, tempDir } from "./tree.ts";

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));

/** Byte strings rich in edge cases: ASCII, every lead byte, truncated and overlong sequences, surrogates, > U+10FFFF. */
function randomNames(n: number): Uint8Array[] {
  const next = seededRandom(42); // tests must not depend on the run
  const pieces = [
    [0x61],
    [0x2f],
    [0xff],
    [0xfe],
    [0xc0, 0x80],
    [0xc3, 0xa9],
    [0xe2, 0x82],
    [0xe2, 0x82, 0xac],
    [0xed, 0xa0, 0x80],
    [0xed, 0x9f, 0xbf],
    [0xef, 0xbf, 0xbd],
    [0xef, 0xbb, 0xbf],
    [0xf0, 0x9f, 0x98, 0x80],
    [0xf0, 0x90, 0x82, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0x80],
    [0xbf],
  ];
  return Array.from({ length: n }, () => {
    const out: number[] = [];
    for (let k = Math.floor(next() * 8); k > 0; k--)
      out.push(...(next() < 0.3 ? [Math.floor(next() * 256)] : pieces[Math.floor(next() * pieces.length)]!));
    return Uint8Array.from(out);
  });
}

describe("names as strings, byte for byte (surrogateescape)", () => {
  test("known vectors, as Python's bytes.decode('utf-8', 'surrogateescape') gives them", () => {
    const cases: [Buffer, string][] = [
      [bytes("bad", [0xff], ".py"), "bad\udcff.py"],
      [bytes([0xe2, 0x82]), "\udce2\udc82"], // truncated
      [bytes([0xe2, 0x82], "A"), "\udce2\udc82A"],
      [bytes([0xc0, 0x80]), "\udcc0\udc80"], // overlong
      [bytes([0xed, 0xa0, 0x80]), "\udced\udca0\udc80"], // an encoded surrogate
      [bytes([0xf4, 0x90, 0x80, 0x80]), "\udcf4\udc90\udc80\udc80"], // above U+10FFFF
      [bytes([0xef, 0xbb, 0xbf], "x"), "\ufeffx"], // a BOM is part of the name
      [bytes([0xf0, 0x9f, 0x98, 0x80, 0xff]), "\ud83d\ude00\udcff"],
      [bytes([0xf0, 0x90, 0x82, 0x80]), "\ud800\udc80"], // U+10080: a real pair whose low half looks like an escape
    ];
    for (const [raw, str] of cases) {
      expect(decodePath(raw)).toBe(str);
      expect(Buffer.from(encodePath(str)).equals(raw)).toBe(true);
    }
    expect(hasRawBytes("\ud800\udc80")).toBe(false);
    expect(hasRawBytes("\ud83d\ude00\udcff")).toBe(true);
    expect(fsPath("plain/é.py")).toBe("plain/é.py");
    expect(fsPath("bad\udcff.py")).toEqual(bytes("bad", [0xff], ".py"));
  });

  test("every byte string comes back exactly, valid UTF-8 decodes as usual, and distinct names stay distinct", () => {
    const names = randomNames(20_000);
    const seen = new Map<string, string>();
    const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    for (const raw of names) {
      const s = decodePath(raw);
      expect(Buffer.from(encodePath(s)).equals(Buffer.from(raw))).toBe(true);
      let valid: string | undefined;
      try {
        valid = utf8.decode(raw);
      } catch {
        /* not UTF-8 */
      }
      expect(hasRawBytes(s)).toBe(valid === undefined);
      if (valid !== undefined) expect(s).toBe(valid);
      const hex = Buffer.from(raw).toString("hex");
      expect(seen.get(s) ?? hex).toBe(hex);
      seen.set(s, hex);
    }
  });

  const python = Bun.which("python3");
  test.skipIf(!python)(
    "the same strings as Python's surrogateescape; os.fsencode of the JSON string gives the bytes back",
    () => {
      const names = randomNames(2_000).filter((n) => n.length > 0);
      const hex = names.map((n) => Buffer.from(n).toString("hex"));
      const decode =
        "import sys, json\nfor h in sys.stdin.read().split():\n    print(json.dumps(bytes.fromhex(h).decode('utf-8', 'surrogateescape')))";
      const fromPython = Bun.spawnSync([python!, "-c", decode], { stdin: Buffer.from(hex.join("\n")) })
        .stdout.toString()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as string);
      expect(fromPython).toEqual(names.map(decodePath));
      // What docs/discovery.md promises a consumer of weft's JSON output: os.fsencode(record["path"]) is the name's bytes.
      const encode =
        "import sys, json, os\nfor line in sys.stdin.read().splitlines():\n    print(os.fsencode(json.loads(line)['path']).hex())";
      const json = names.map((n) => JSON.stringify({ path: decodePath(n) })).join("\n");
      expect(
        Bun.spawnSync([python!, "-c", encode], { stdin: Buffer.from(json), env: { PYTHONUTF8: "1" } })
          .stdout.toString()
          .trim()
          .split("\n"),
      ).toEqual(hex);
    },
  );
});

describe("quotePath: names for human-readable output, as git quotes them", () => {
  const dir = tempDir("weft-quote-");
  afterAll(() => removeTree(dir));

  test("the same as git ls-files: core.quotePath=false for UTF-8 names, true for names with raw bytes", () => {
    const names = [
      bytes("plain.py"),
      bytes("new\nline.py"),
      bytes("tab\there.py"),
      bytes('quo"te.py'),
      bytes("back\\slash.py"),
      bytes("ctl\x01.py"),
      bytes("del\x7f.py"),
      bytes("bell\x07 bs\x08 vt\x0b ff\x0c cr\r.py"),
      bytes("caf", [0xc3, 0xa9], ".py"),
      bytes("sp ace.py"),
      bytes("bad", [0xff], ".py"),
      bytes("two", [0xfe, 0x80], "\n.py"),
      bytes("esc\x1b[31m.py"),
    ];
    for (const n of names) writeFileSync(fsPath(`${dir}/${decodePath(n)}`), "x\n");
    git(dir, ["init", "-q"]);
    git(dir, ["add", "."]);
    // git prints the names as bytes: read its output again as bytes.
    const rawNames = Bun.spawnSync(["git", "ls-files", "-z"], { cwd: dir })
      .stdout.toString("latin1")
      .split("\0")
      .filter(Boolean)
      .map((s) => Buffer.from(s, "latin1"));
    expect(rawNames.length).toBe(names.length);
    const quoted = (on: boolean) =>
      Bun.spawnSync(["git", "-c", `core.quotePath=${on}`, "ls-files"], { cwd: dir })
        .stdout.toString("latin1")
        .split("\n")
        .filter(Boolean);
    const [off, on] = [quoted(false), quoted(true)];
    rawNames.forEach((name, i) => {
      const s = decodePath(name);
      const fromGit = hasRawBytes(s) ? on[i]! : Buffer.from(off[i]!, "latin1").toString("utf8");
      expect(quotePath(s)).toBe(fromGit);
    });
  });

  test("raw bytes next to UTF-8 letters, and C1 control characters", () => {
    expect(quotePath("café\udcff.py")).toBe('"café\\377.py"');
    expect(quotePath("x\u0085y")).toBe('"x\\302\\205y"');
    expect(quotePath("日本語.py")).toBe("日本語.py");
    expect(quotePath("\ud800\udc80.py")).toBe("\ud800\udc80.py");
  });
});
