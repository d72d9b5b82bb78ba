import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  chmodSync,
  chownSync,
  cpSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import * as v from "valibot";
import { sha256 } from "../../src/languages/cache.ts";
import { grammarLanguages, LANGUAGES } from "../../src/languages/table.ts";
import { hostTarget } from "../../src/languages/targets.ts";
import { ChunkSchema } from "../../src/model/chunk.ts";
import { cleanup, rows, runWeft, sandbox, sandboxEnv, type Sandbox } from "./harness.ts";

// The preload's setDefaultTimeout reaches only the first file of a multi-file run (tests/setup.ts):
// four cold `weft languages` at once, each loading every grammar in its main thread and a worker,
// take several seconds on a busy 2-core machine.
setDefaultTimeout(60_000);
afterAll(cleanup);

const GRAMMARS = grammarLanguages().length;
/** Grammars that come from an embedded parser.so on this platform (all but those declared unavailable). */
const EMBEDDED = grammarLanguages().filter((l) => !l.grammar?.unavailableOn?.includes(hostTarget()!.id)).length;

function cachedFile(sb: Sandbox, id: string): string {
  const name = readdirSync(sb.cache).find((f) => f.startsWith(`${id}-`) && f.endsWith(".so"));
  if (!name) throw new Error(`no cached parser for ${id} in ${sb.cache}`);
  return join(sb.cache, name);
}

describe("weft languages", () => {
  test("every language loads and parses its sample in the main thread and in a worker", async () => {
    const sb = sandbox();
    const res = await runWeft(sb, ["languages", "--json"]);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const list = rows(res);
    expect(GRAMMARS).toBeGreaterThanOrEqual(28);
    expect(list.filter((r) => r.status === "ok").length).toBe(GRAMMARS);
    for (const r of list.filter((r) => r.parser !== "none")) {
      expect({ id: r.id, status: r.status, main: r.main?.ok, worker: r.worker?.ok }).toEqual({
        id: r.id,
        status: "ok",
        main: true,
        worker: true,
      });
      expect(r.main?.root).toBeTruthy();
      expect(r.worker?.root).toBe(r.main!.root!);
      // Read through weft's tree reader; the grammar's ABI within the runtime's range.
      expect(r.runtime).toBe("tree-sitter 0.25.1");
      expect(r.abi).toBeGreaterThanOrEqual(13);
      expect(r.abi).toBeLessThanOrEqual(15);
    }
    // The cache was created private, and holds only complete, content-addressed files.
    expect(statSync(sb.cache).mode & 0o777).toBe(0o700);
    const files = readdirSync(sb.cache);
    expect(files.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    // The napi addon is the oracle only: diagnose loads it (verified like the parsers), languages does not.
    expect(files.filter((f) => f.endsWith(".node"))).toHaveLength(0);
    expect(files.filter((f) => f.startsWith("weft-reader-"))).toHaveLength(1); // the tree reader, too
    for (const f of files)
      expect(sha256(readFileSync(join(sb.cache, f))).slice(0, 32)).toBe(
        f.replace(/^.*-([0-9a-f]{32})\.(so|node)$/, "$1"),
      );
  });

  test("the table names every language and its status", async () => {
    const sb = sandbox();
    const res = await runWeft(sb, ["languages"]);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split("\n");
    expect(lines.length).toBe(1 + LANGUAGES.length); // grammars and delimiter-only languages
    expect(lines[0]).toMatch(/^language\s+status\s+runtime\s+parser\s+files$/);
    expect(lines.find((l) => l.startsWith("python "))).toMatch(
      /^python\s+ok\s+tree-sitter 0\.25\.1, ABI 1[345]\s+@ast-grep\/lang-python\s+\.py/,
    );
  });

  test("copies started at the same moment on an empty cache all succeed", async () => {
    const sb = sandbox();
    const results = await Promise.all([1, 2, 3, 4].map(() => runWeft(sb, ["languages", "--json"])));
    for (const res of results) {
      expect(res.stderr).toBe("");
      expect(res.code).toBe(0);
      expect(rows(res).filter((r) => r.status === "ok").length).toBe(GRAMMARS);
    }
    expect(readdirSync(sb.cache).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("a truncated cached parser is repaired, not loaded", async () => {
    const sb = sandbox();
    expect((await runWeft(sb, ["languages", "--json"])).code).toBe(0);
    const file = cachedFile(sb, "python");
    const good = readFileSync(file);
    truncateSync(file, Math.floor(good.length / 3));
    const res = await runWeft(sb, ["languages", "--json"]);
    expect(res.code).toBe(0);
    expect(rows(res).find((r) => r.id === "python")?.status).toBe("ok");
    expect(sha256(readFileSync(file))).toBe(sha256(good));
  });

  test("a cached parser replaced by different bytes is refused with a clear message", async () => {
    const sb = sandbox();
    expect((await runWeft(sb, ["languages", "--json"])).code).toBe(0);
    const file = cachedFile(sb, "rust");
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    chmodSync(file, 0o600);
    writeFileSync(file, bytes);
    const res = await runWeft(sb, ["languages", "--json"]);
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toContain("replaced by different bytes");
    const list = rows(res);
    expect(list.find((r) => r.id === "rust")).toMatchObject({ status: "failed", error: expect.stringContaining(file) });
    expect(list.filter((r) => r.status === "ok").length).toBe(GRAMMARS - 1);
    expect(readFileSync(file).equals(bytes)).toBe(true); // left alone for the user to inspect
  });

  test("a cache directory writable by others is refused with a clear message", async () => {
    const sb = sandbox();
    expect((await runWeft(sb, ["languages", "--json"])).code).toBe(0);
    chmodSync(sb.cache, 0o770);
    const res = await runWeft(sb, ["languages"]);
    expect(res.code).toBe(1);
    // The napi addon is refused with the cache, so the built-in grammars fail as well.
    expect(res.stderr).toBe(
      `weft: ${GRAMMARS} of ${GRAMMARS} parsers failed: native parser library not loaded: ${sb.cache}: cache directory is writable by group or others (mode 770); refusing to load native code from it; fix: chmod 700 ${sb.cache}\n`,
    );
  });

  test.skipIf(process.getuid?.() !== 0)(
    "a cache directory owned by another user is refused (needs root to chown)",
    async () => {
      const sb = sandbox();
      expect((await runWeft(sb, ["languages", "--json"])).code).toBe(0);
      chownSync(sb.cache, 65534, 65534);
      const res = await runWeft(sb, ["languages", "--json"]);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain("cache directory is owned by another user");
    },
  );

  test("without a usable home cache, a private per-user directory in TMPDIR is used", async () => {
    const sb = sandbox();
    writeFileSync(join(sb.dir, "not-a-dir"), "");
    const env = sandboxEnv(sb, { HOME: join(sb.dir, "not-a-dir") }); // ~/.cache cannot be created
    delete env.WEFT_CACHE_DIR;
    const res = await runWeft(sb, ["languages", "--json"], env);
    expect(res.code).toBe(0);
    const fallback = join(sb.dir, "tmp", `weft-${process.getuid?.() ?? "user"}`);
    expect(statSync(fallback).mode & 0o777).toBe(0o700);
    expect(readdirSync(fallback).length).toBe(EMBEDDED + 1); // the parsers and the tree reader (not napi: the oracle)
  });
});

describe("command line", () => {
  test("--version: the bare version first, then the commit built and the target", async () => {
    const sb = sandbox();
    const version = await runWeft(sb, ["--version"]);
    const pkgVersion = (await Bun.file(resolve(import.meta.dir, "../../package.json")).json()).version;
    const head = Bun.spawnSync(["git", "rev-parse", "HEAD"], { cwd: import.meta.dir })
      .stdout.toString()
      .trim();
    expect(version.code).toBe(0);
    expect(version.stderr).toBe("");
    expect(version.stdout.split(" ")[0]).toBe(pkgVersion);
    expect(version.stdout).toMatch(
      new RegExp(`^${pkgVersion.replaceAll(".", "\\.")} \\(commit ${head}(-dirty)?, ${hostTarget()!.id}\\)\n$`),
    );
    expect(await runWeft(sb, ["-v"])).toEqual(version);
  });

  test("--help", async () => {
    const sb = sandbox();
    const help = await runWeft(sb, ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("languages");
    expect(help.stdout).toContain("chunk");
    expect(help.stdout).toContain("EXIT CODES");
  });

  const cases: [string[], string][] = [
    [["frobnicate"], 'unknown command "frobnicate"'],
    [["languages", "--frobnicate"], 'unknown option "--frobnicate"'],
    [["--frobnicate"], 'unknown option "--frobnicate"'],
    [["chunk", "-Z", "."], 'unknown option "-Z"'],
    [["languages", "--json=yes"], "option --json takes no value"],
  ];
  for (const [args, message] of cases) {
    test(`weft ${args.join(" ")}: one-line error and usage on stderr, exit 2`, async () => {
      const res = await runWeft(sandbox(), args);
      expect(res.code).toBe(2);
      expect(res.stdout).toBe("");
      const [first, blank, ...usage] = res.stderr.split("\n");
      expect(first).toStartWith(`weft: ${message}`);
      expect(blank).toBe("");
      expect(usage.join("\n")).toContain("USAGE");
      expect(res.stderr).not.toContain("    at "); // no stack trace
    });
  }
});

describe("weft chunk", () => {
  test("a small real directory comes out as valid records that tile every file", async () => {
    const sb = sandbox();
    const src = join(sb.dir, "project");
    cpSync(resolve(import.meta.dir, "../../src/languages"), join(src, "languages"), { recursive: true });
    cpSync(resolve(import.meta.dir, "../../README.md"), join(src, "README.md"));
    const res = await runWeft(sb, ["chunk", "project"]);
    expect(res.code).toBe(0);
    const records = res.stdout
      .trim()
      .split("\n")
      .map((line) => v.parse(ChunkSchema, JSON.parse(line)));
    const byPath = Map.groupBy(records, (r) => r.path);
    const expected = [
      ...readdirSync(join(src, "languages")).map((f) => `project/languages/${f}`),
      "project/README.md",
    ].sort();
    expect([...byPath.keys()].sort()).toEqual(expected);
    for (const [path, chunks] of byPath) {
      const text = readFileSync(join(sb.dir, path), "utf8");
      expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
      expect(chunks.map((c) => c.content).join("")).toBe(text);
      expect(chunks.at(-1)!.byte_end).toBe(Buffer.byteLength(text));
      expect(chunks[0]!.language).toBe(path.endsWith(".md") ? "markdown" : "typescript");
    }
  });
});
