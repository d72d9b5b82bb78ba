import { describe, expect, test } from "bun:test";
import { parseArgs } from "citty";
import {
  discoveryArgs,
  discoveryOptionsFromArgs,
  parsePathList,
  parseShard,
  parseSize,
} from "../../src/discover/args.ts";
import { detectByName } from "../../src/discover/detect.ts";
import { WeftError } from "../../src/model/errors.ts";

async function fromArgv(argv: string[], stdin = "") {
  return discoveryOptionsFromArgs(
    parseArgs(argv, discoveryArgs),
    argv,
    async () => new TextEncoder().encode(stdin),
    "/work",
  );
}

async function usageError(argv: string[]): Promise<string> {
  try {
    await fromArgv(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(WeftError);
    expect((err as WeftError).code).toBe("usage");
    return (err as WeftError).message;
  }
  throw new Error(`no usage error for ${argv.join(" ")}`);
}

describe("discovery arguments", () => {
  test("defaults", async () => {
    expect(await fromArgv([])).toEqual({
      paths: ["."],
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
  });

  test("bad values are one-line usage errors", async () => {
    expect(await usageError(["--lang", "klingon"])).toContain('unknown language "klingon"');
    expect(await usageError(["--map", "tpl"])).toContain("expected EXT=LANG");
    expect(await usageError(["--map", "tpl=nope"])).toContain('unknown language "nope"');
    expect(await usageError(["--max-file-size", "ten"])).toContain("--max-file-size");
    expect(await usageError(["--shard", "0/3"])).toContain("--shard");
    expect(await usageError(["--shard", "4/3"])).toContain("--shard");
    expect(await usageError(["-0"])).toContain("--stdin");
    expect(await usageError(["--include"])).toContain("needs a value");
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
