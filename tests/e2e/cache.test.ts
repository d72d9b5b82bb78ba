// The chunk cache (--cache DIR) through the compiled binary: a warm re-run writes the same bytes
// without parsing, a corrupt entry is recomputed (never emitted), any output option change misses,
// an unsafe directory is refused, concurrent runs share one cache, and the size bound holds.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, runWeft, sandbox, sandboxEnv, type Sandbox } from "./harness.ts";

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
  expect(run.stderr).toContain("3 corrupt entries were detected, recomputed (never emitted) and rewritten (first: ");
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

/** An entry with `payload` and a checksum recomputed for it: what anyone who can write the cache can forge. */
function forged(payload: string | Uint8Array): Buffer {
  const body = Buffer.from(payload);
  const sum = Bun.hash.xxHash3(body).toString(16).padStart(16, "0");
  return Buffer.concat([Buffer.from(`weft-chunk-cache 1 ${sum} ${body.length}\n`), body]);
}

/** The metadata line and the records of an entry, split. */
function split(entry: Buffer): { meta: string; records: string[] } {
  const payload = entry.subarray(entry.indexOf(10) + 1).toString("utf8");
  const [meta, ...records] = payload.split("\n");
  return { meta: meta!, records: records.slice(0, -1) };
}

test("a forged entry with a recomputed checksum is never emitted: changed records, records of another file, non-JSON, extra fields", async () => {
  const plain = await chunk([]);
  await chunk(["--cache", "c-forged"]);
  const names = entries("c-forged");
  const at = (i: number) => join(sb.dir, "c-forged", names[i]!);
  const original = names.map((_, i) => readFileSync(at(i)));
  const first = split(original[0]!);
  const other = split(original[1]!);
  const record = JSON.parse(first.records[0]!) as Record<string, unknown> & { content: string };
  const forgeries: [string, string][] = [
    // The content changed, everything else as it was (the id then no longer matches either).
    [
      "changed content",
      [
        first.meta,
        JSON.stringify({ ...record, content: `${record.content}# injected\n` }),
        ...first.records.slice(1),
        "",
      ].join("\n"),
    ],
    // Another file's records under this file's key.
    [
      "records of another file",
      [first.meta.replace(/"chunks":\d+/, `"chunks":${other.records.length}`), ...other.records, ""].join("\n"),
    ],
    // Not records at all: it used to come out raw.
    ["not JSON", [first.meta.replace(/"chunks":\d+/, '"chunks":1'), "rm -rf / # not a record", ""].join("\n")],
    // A valid record with a field weft never writes.
    [
      "an extra field",
      [first.meta, JSON.stringify({ ...record, injected: "x" }), ...first.records.slice(1), ""].join("\n"),
    ],
  ];
  for (const [what, payload] of forgeries) {
    writeFileSync(at(0), forged(payload));
    const run = await chunk(["--cache", "c-forged"]);
    expect({ what, code: run.code, same: run.stdout === plain.stdout }).toEqual({ what, code: 0, same: true });
    expect(run.stdout).not.toContain("injected");
    expect(run.stdout).not.toContain("rm -rf");
    expect(run.cache).toMatchObject({ hits: 9, corrupt: 1, repaired: 1 });
    expect(run.stderr).toContain(
      "1 corrupt entries were detected, recomputed (never emitted) and rewritten (first: tree/",
    );
    expect(readFileSync(at(0))).toEqual(original[0]!); // rewritten with the true records
  }
  // Every entry at once (the Latin-1 file's among them: its invalid_utf8 list no longer fits the
  // changed content), so which entry comes first in the directory does not decide what is tested.
  names.forEach((_, i) => {
    const { meta, records } = split(original[i]!);
    const r = JSON.parse(records[0]!) as { content: string };
    const changed = JSON.stringify({ ...r, content: `${r.content}# injected\n` });
    writeFileSync(at(i), forged([meta, changed, ...records.slice(1), ""].join("\n")));
  });
  const all = await chunk(["--cache", "c-forged"]);
  expect({ code: all.code, same: all.stdout === plain.stdout }).toEqual({ code: 0, same: true });
  expect(all.cache).toMatchObject({ hits: 0, corrupt: 10, repaired: 10 });
});

test("a cache entry that is a FIFO or a directory is refused without blocking, recomputed, and the directory is not reported as rewritten", async () => {
  const plain = await chunk([]);
  await chunk(["--cache", "c-special"]);
  const names = entries("c-special");
  const fifo = join(sb.dir, "c-special", names[0]!);
  const dir = join(sb.dir, "c-special", names[1]!);
  for (const executor of ["inline", "workers"]) {
    rmSync(fifo, { recursive: true });
    rmSync(dir, { recursive: true });
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    mkdirSync(join(dir, "inside"), { recursive: true });
    const proc = Bun.spawn(
      [sb.bin, "chunk", "tree", "--cache", "c-special", "--executor", executor, "--summary-json", "s.json"],
      {
        cwd: sb.dir,
        env: sandboxEnv(sb),
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    // Bounded: a weft blocked in open() on the FIFO is killed, and the test fails on its exit code.
    const killer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    clearTimeout(killer);
    expect({ executor, code }).toEqual({ executor, code: 0 });
    expect(stdout).toBe(plain.stdout);
    const summary = JSON.parse(readFileSync(join(sb.dir, "s.json"), "utf8")) as {
      cache: CacheStats & { repaired: number };
    };
    expect(summary.cache).toMatchObject({ hits: 8, corrupt: 2, repaired: 1, writeErrors: 1 });
    expect(stderr).toContain(
      "2 corrupt entries were detected, recomputed (never emitted); 1 of them rewritten (first: tree/",
    );
    expect(stderr).toContain("not a regular file of yours");
    expect(stderr).toContain("1 entries could not be written (EISDIR");
  }
});
