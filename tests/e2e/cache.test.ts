// The chunk cache (--cache DIR) through the compiled binary: a warm re-run writes the same bytes
// without parsing, a corrupt entry is recomputed (never emitted), any output option change misses,
// an unsafe directory is refused, concurrent runs share one cache, and the size bound holds.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, runWeft, sandbox, type Sandbox } from "./harness.ts";

setDefaultTimeout(120_000);
afterAll(cleanup);

let sb: Sandbox;
const source = (i: number) =>
  Array.from({ length: 30 }, (_, j) => `def f${i}_${j}(x):\n    """Step ${j}."""\n    return x * ${j} + ${i}\n`).join(
    "\n\n",
  );
beforeAll(() => {
  sb = sandbox();
  mkdirSync(join(sb.dir, "tree", "pkg"), { recursive: true });
  for (let i = 0; i < 8; i++) writeFileSync(join(sb.dir, "tree", "pkg", `m${i}.py`), source(i));
  writeFileSync(
    join(sb.dir, "tree", "web.ts"),
    "export function add(a: number, b: number): number {\n  return a + b;\n}\n",
  );
  // Latin-1: invalid UTF-8 must come back from the cache exactly as chunked.
  writeFileSync(join(sb.dir, "tree", "legacy.c"), Buffer.from("/* caf\xe9 */\nint x = 1;\n", "latin1"));
});

type CacheStats = { hits: number; misses: number; written: number; corrupt: number; evicted: number };
/** Runs `weft chunk tree` with these flags and the summary; returns stdout, stderr, exit code and the summary's cache. */
async function chunk(flags: string[], summary = "summary.json") {
  const res = await runWeft(sb, ["chunk", "tree", "--summary-json", summary, ...flags]);
  const parsed = JSON.parse(readFileSync(join(sb.dir, summary), "utf8")) as { cache?: CacheStats; chunked: number };
  return { ...res, summary: parsed, cache: parsed.cache };
}
const entries = (dir: string) => readdirSync(join(sb.dir, dir)).filter((n) => n.endsWith(".wce"));

test("a warm re-run writes byte-identical output from the cache, inline and on workers, and says so", async () => {
  const plain = await chunk([]);
  expect(plain.code).toBe(0);
  expect(plain.cache).toBeUndefined();
  for (const executor of ["inline", "workers"]) {
    const dir = `c-${executor}`;
    const cold = await chunk(["--cache", dir, "--executor", executor]);
    expect(cold.code).toBe(0);
    expect(cold.stdout).toBe(plain.stdout);
    expect(cold.cache).toMatchObject({ hits: 0, misses: 10, written: 10, corrupt: 0, evicted: 0 });
    const warm = await chunk(["--cache", dir, "--executor", executor]);
    expect(warm.code).toBe(0);
    expect(warm.stdout).toBe(plain.stdout);
    expect(warm.cache).toMatchObject({ hits: 10, misses: 0, written: 0, corrupt: 0 });
    expect(warm.stderr).toContain("10 chunked (10 from cache)");
    expect(statSync(join(sb.dir, dir)).mode & 0o777).toBe(0o700);
    for (const name of entries(dir)) expect(statSync(join(sb.dir, dir, name)).mode & 0o777).toBe(0o600);
  }
  // The other formats are rendered from cached records too.
  for (const format of ["json", "text"]) {
    const want = (await chunk(["--format", format])).stdout;
    expect((await chunk(["--cache", "c-inline", "--format", format])).stdout).toBe(want);
  }
});

test("one changed file is the only miss; the rest come from the cache", async () => {
  await chunk(["--cache", "c-edit"]);
  writeFileSync(join(sb.dir, "tree", "pkg", "m3.py"), `# edited\n${source(3)}`);
  try {
    const plain = await chunk([]);
    const run = await chunk(["--cache", "c-edit"]);
    expect(run.stdout).toBe(plain.stdout);
    expect(run.cache).toMatchObject({ hits: 9, misses: 1, written: 1 });
  } finally {
    writeFileSync(join(sb.dir, "tree", "pkg", "m3.py"), source(3));
  }
});

test("a corrupt, truncated or emptied entry is detected, recomputed and rewritten, never emitted", async () => {
  const plain = await chunk([]);
  await chunk(["--cache", "c-bad"]);
  const names = entries("c-bad");
  const at = (i: number) => join(sb.dir, "c-bad", names[i]!);
  const flipped = readFileSync(at(0));
  flipped[flipped.length - 5]! ^= 0x20; // a letter's case inside a record: still valid JSON
  writeFileSync(at(0), flipped);
  writeFileSync(at(1), readFileSync(at(1)).subarray(0, 50));
  writeFileSync(at(2), "");
  const run = await chunk(["--cache", "c-bad"]);
  expect(run.code).toBe(0);
  expect(run.stdout).toBe(plain.stdout);
  expect(run.cache).toMatchObject({ hits: 7, corrupt: 3, written: 3 });
  expect(run.stderr).toContain("3 corrupt entries were detected, recomputed and rewritten");
  const again = await chunk(["--cache", "c-bad"]);
  expect(again.cache).toMatchObject({ hits: 10, corrupt: 0 });
  expect(again.stdout).toBe(plain.stdout);
});

test("changing an option that changes the records misses; one that does not, hits", async () => {
  await chunk(["--cache", "c-opt"]);
  for (const flags of [
    ["--max-tokens", "64"],
    ["--tokenizer", "chars"],
    ["--context"],
    ["--overlap-lines", "2"],
    ["--map", "py=text"],
  ]) {
    const plain = await chunk(flags);
    const run = await chunk(["--cache", "c-opt", ...flags]);
    expect({ flags, hits: run.cache?.hits, same: run.stdout === plain.stdout }).toEqual({ flags, hits: 0, same: true });
  }
  for (const flags of [["--executor", "workers"], ["--quiet"], ["--format", "json"]]) {
    const run = await chunk(["--cache", "c-opt", ...flags]);
    expect({ flags, hits: run.cache?.hits }).toEqual({ flags, hits: 10 });
  }
});

test("a cache directory others can read or write, or a file, is refused: one line naming it and the fix, exit 2, no output", async () => {
  mkdirSync(join(sb.dir, "shared"));
  chmodSync(join(sb.dir, "shared"), 0o755);
  writeFileSync(join(sb.dir, "plainfile"), "");
  for (const [dir, why] of [
    ["shared", "group or others have access to it (mode 755; entries hold your source code); fix: chmod 700 shared"],
    ["plainfile", "it is not a directory"],
  ]) {
    const res = await runWeft(sb, ["chunk", "tree", "--cache", dir!]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr).toBe(
      `weft: cannot use --cache ${dir}: ${why}${why!.includes("fix") ? "" : "; fix: name a directory"}\n`,
    );
  }
  expect(readdirSync(join(sb.dir, "shared"))).toEqual([]);
});

test("two concurrent runs on one empty cache both write the right output, and leave a cache a third run reads whole", async () => {
  const plain = await chunk([]);
  const [a, b] = await Promise.all([
    chunk(["--cache", "c-race", "--executor", "workers"], "s1.json"),
    chunk(["--cache", "c-race", "--executor", "inline"], "s2.json"),
  ]);
  expect([a.code, b.code]).toEqual([0, 0]);
  expect(a.stdout).toBe(plain.stdout);
  expect(b.stdout).toBe(plain.stdout);
  expect(readdirSync(join(sb.dir, "c-race")).filter((n) => !n.endsWith(".wce"))).toEqual([]); // no temp file left
  const third = await chunk(["--cache", "c-race"]);
  expect(third.cache).toMatchObject({ hits: 10, corrupt: 0 });
  expect(third.stdout).toBe(plain.stdout);
});

test("--cache-max-size bounds the cache: least recently used entries are evicted after the run", async () => {
  const cold = await chunk(["--cache", "c-small"]);
  const sizes = entries("c-small").map((n) => statSync(join(sb.dir, "c-small", n)).size);
  const total = sizes.reduce((s, n) => s + n, 0);
  expect(cold.cache?.evicted).toBe(0);
  const bound = Math.floor(total / 2);
  writeFileSync(join(sb.dir, "tree", "new.py"), "x = 1\n"); // a write triggers the eviction pass
  try {
    const run = await chunk(["--cache", "c-small", "--cache-max-size", String(bound)]);
    expect(run.code).toBe(0);
    expect(run.cache!.evicted).toBeGreaterThan(0);
    const after = entries("c-small").reduce((s, n) => s + statSync(join(sb.dir, "c-small", n)).size, 0);
    expect(after).toBeLessThanOrEqual(bound);
  } finally {
    await Bun.$`rm -f ${join(sb.dir, "tree", "new.py")}`;
  }
  const bad = await runWeft(sb, ["chunk", "tree", "--cache-max-size", "1G"]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("--cache-max-size needs --cache DIR");
});

test("content_hash in the output is the sha256 of the file's bytes byte_start..byte_end, invalid UTF-8 included", async () => {
  const { stdout } = await chunk([]);
  const records = stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { path: string; byte_start: number; byte_end: number; content_hash: string });
  expect(records.some((r) => r.path === "tree/legacy.c")).toBe(true);
  for (const r of records) {
    const bytes = readFileSync(join(sb.dir, r.path)).subarray(r.byte_start, r.byte_end);
    expect(r.content_hash).toBe(new Bun.CryptoHasher("sha256").update(bytes).digest("hex"));
  }
});
