import { describe, expect, test } from "bun:test";
import { parseArgv } from "../../src/commands/parseArgv.ts";
import { discoveryOptions, parsePathList, parseShard, parseSize, withListed } from "../../src/discover/args.ts";
import { detectByName } from "../../src/discover/detect.ts";
import { currentDirectory } from "../../src/discover/fsNames.ts";

/** `weft files ARGV`'s discovery options, with `stdin` as the list --stdin reads. */
async function fromArgv(argv: string[], stdin = "") {
  const inv = parseArgv(["files", ...argv]);
  if (inv.kind !== "run" || inv.command !== "files") throw new Error(`not a run: ${JSON.stringify(inv)}`);
  let read = 0;
  const options = await withListed(inv.options.discovery, inv.options.stdin, () => {
    read++;
    // In pieces of 3 bytes: entries, CRs and the byte-order mark split across pieces.
    const bytes = new TextEncoder().encode(stdin);
    return (async function* () {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.slice(i, i + 3);
    })();
  });
  expect(read).toBe(argv.includes("--stdin") ? 1 : 0); // stdin is read only when asked for
  return options;
}

/** The one line a bad value prints. */
function usageError(argv: string[]): string {
  const inv = parseArgv(["files", ...argv]);
  if (inv.kind !== "usage-error") throw new Error(`no usage error for ${argv.join(" ")}`);
  return inv.line;
}

describe("discovery arguments", () => {
  test("defaults", async () => {
    expect(await fromArgv([])).toEqual({
      paths: ["."],
      listed: [],
      cwd: currentDirectory(),
      ignoreFiles: true,
      hidden: false,
      follow: false,
      include: [],
      exclude: [],
      languages: [],
      map: {},
      maxFileSize: 10 * 1024 * 1024,
      skipMinified: true,
      shard: undefined,
      checkContent: true,
    });
  });

  test("every option, repeatable ones repeated", async () => {
    const o = await fromArgv([
      "src",
      "lib",
      "--hidden",
      "--no-ignore",
      "--follow",
      "--include",
      "*.py",
      "--include=*.rs",
      "--exclude",
      "vendor/",
      "--lang",
      "python,rust",
      "--lang=go",
      "--map",
      ".tpl=html",
      "--map",
      "BUILD=python",
      "--max-file-size",
      "512k",
      "--no-skip-minified",
      "--shard",
      "2/5",
    ]);
    expect(o).toMatchObject({
      paths: ["src", "lib"],
      hidden: true,
      ignoreFiles: false,
      follow: true,
      include: ["*.py", "*.rs"],
      exclude: ["vendor/"],
      languages: ["python", "rust", "go"],
      maxFileSize: 512 * 1024,
      skipMinified: false,
      shard: { index: 2, count: 5 },
    });
    expect(o.map).toMatchObject({ tpl: "html", BUILD: "python" });
  });

  test("--stdin reads a newline or NUL separated list; no default path then", async () => {
    expect(await fromArgv(["--stdin"], "a.py\nb c.py\r\n\nd.py")).toMatchObject({
      paths: [],
      listed: ["a.py", "b c.py", "d.py"],
    });
    expect(await fromArgv(["--stdin", "-0"], "a\nb.py\0c.py\0")).toMatchObject({ listed: ["a\nb.py", "c.py"] });
    expect(parsePathList(new Uint8Array(), false)).toEqual([]);
    // Repeats are kept once, in the order first listed; a byte-order mark split across pieces is dropped.
    expect(await fromArgv(["--stdin"], "\ufeffb.py\r\na.py\nb.py\na.py\n")).toMatchObject({ listed: ["b.py", "a.py"] });
    expect(parsePathList(new TextEncoder().encode(`${"a".repeat(4095)}\n`), false)).toEqual(["a".repeat(4095)]);
    expect(() => parsePathList(new TextEncoder().encode(`x\n${"a".repeat(4096)}\n`), false)).toThrow(
      "--stdin: listed path 2 is longer than 4096 bytes (PATH_MAX)",
    );
    // Refused before its end: a list that never ends (< /dev/zero) stops after PATH_MAX bytes.
    expect(() => parsePathList(new Uint8Array(8192), false)).toThrow("listed path 1 is longer than 4096 bytes");
    expect(await fromArgv(["--stdin", "x.py"], "a.py\n")).toMatchObject({ paths: ["x.py"], listed: ["a.py"] });
  });

  test("a bad value is an error of the command line alone: stdin is read later, by the command", () => {
    expect(usageError(["--stdin", "--shard", "0/2"])).toBe(
      'weft: --shard: expected K/N with 1 <= K <= N (e.g. 1/4), got "0/2"',
    );
  });

  test("defaults when called without a command line (weft diagnose --path)", () => {
    expect(discoveryOptions({ paths: ["src"] }, "/work")).toEqual({
      paths: ["src"],
      listed: [],
      cwd: "/work",
      ignoreFiles: true,
      hidden: false,
      follow: false,
      include: [],
      exclude: [],
      languages: [],
      map: {},
      maxFileSize: 10 * 1024 * 1024,
      skipMinified: true,
      shard: undefined,
      checkContent: true,
    });
  });

  test("bad values are one-line usage errors", () => {
    expect(usageError(["--lang", "klingon"])).toContain('unknown language "klingon"');
    expect(usageError(["--map", "tpl"])).toContain("expected EXT=LANG");
    expect(usageError(["--map", "tpl=nope"])).toContain('unknown language "nope"');
    expect(usageError(["--max-file-size", "ten"])).toContain("--max-file-size");
    expect(usageError(["--shard", "0/3"])).toContain("--shard");
    expect(usageError(["--shard", "4/3"])).toContain("--shard");
    expect(usageError(["-0"])).toContain("--stdin");
    expect(usageError(["--include"])).toContain("needs a value");
  });

  test("sizes and shards", () => {
    expect(parseSize("2048")).toBe(2048);
    expect(parseSize("10MB")).toBe(10 * 1024 * 1024);
    expect(parseSize("1.5g")).toBe(1.5 * 1024 ** 3);
    expect(parseSize("64KiB")).toBe(65536);
    expect(parseShard("3/3")).toEqual({ index: 3, count: 3 });
    expect(() => parseSize("0")).toThrow();
    expect(() => parseShard("1/0")).toThrow();
  });
});

test("--map keys are own properties: __proto__ is kept, and names like toString never match Object.prototype", async () => {
  const o = await fromArgv(["--map", "__proto__=python", "--map", "foo=go"]);
  expect(Object.hasOwn(o.map, "__proto__")).toBe(true);
  expect(o.map["__proto__"]).toBe("python");
  expect(detectByName("x.__proto__", o.map)).toEqual({ language: "python", source: "map" });
  expect(detectByName("toString", o.map)).toBeUndefined();
  expect(detectByName("a.constructor", o.map)).toBeUndefined();
});
