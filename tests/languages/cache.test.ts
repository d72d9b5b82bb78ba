import { afterAll, describe, expect, test } from "bun:test";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cachedParserPath, cacheDir, ensurePrivateDir, installParser, sha256 } from "../../src/languages/cache.ts";
import { WeftError } from "../../src/model/errors.ts";

const made: string[] = [];
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-cache-test-"));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
// Real parser bytes: the cache's job is to hand them to dlopen, so test with what it really stores.
const BYTES = new Uint8Array(
  readFileSync(
    require
      .resolve("@ast-grep/lang-python/package.json")
      .replace("package.json", "prebuilds/prebuild-Linux-X64/parser.so"),
  ),
);
const HASH = sha256(BYTES);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof WeftError ? err.code : `not a WeftError: ${String(err)}`;
  }
}

describe("ensurePrivateDir", () => {
  test("creates missing directories 0700", () => {
    const dir = join(fresh(), "a", "weft");
    ensurePrivateDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
  for (const mode of [0o770, 0o707, 0o777, 0o720]) {
    test(`refuses a directory with mode ${mode.toString(8)}`, () => {
      const dir = fresh();
      chmodSync(dir, mode);
      expect(codeOf(() => ensurePrivateDir(dir))).toBe("cache-insecure");
    });
  }
  test("accepts a directory that is readable but not writable by others (0755)", () => {
    const dir = fresh();
    chmodSync(dir, 0o755);
    expect(ensurePrivateDir(dir)).toBe(dir);
  });
  test("refuses a path that is a file", () => {
    const file = join(fresh(), "f");
    writeFileSync(file, "");
    expect(codeOf(() => ensurePrivateDir(file))).toBeDefined();
  });
});

describe("cacheDir", () => {
  test("WEFT_CACHE_DIR wins and is never silently replaced", () => {
    const dir = join(fresh(), "explicit");
    expect(cacheDir({ WEFT_CACHE_DIR: dir, HOME: fresh() })).toBe(dir);
    const insecure = fresh();
    chmodSync(insecure, 0o777);
    expect(codeOf(() => cacheDir({ WEFT_CACHE_DIR: insecure }))).toBe("cache-insecure");
  });
  test("XDG_CACHE_HOME, then HOME/.cache", () => {
    const xdg = fresh();
    expect(cacheDir({ XDG_CACHE_HOME: xdg, HOME: fresh() })).toBe(join(xdg, "weft"));
    const home = fresh();
    expect(cacheDir({ HOME: home })).toBe(join(home, ".cache", "weft"));
  });
  test("an insecure default directory is refused, not avoided", () => {
    const xdg = fresh();
    mkdirSync(join(xdg, "weft"), { mode: 0o700 });
    chmodSync(join(xdg, "weft"), 0o775);
    expect(codeOf(() => cacheDir({ XDG_CACHE_HOME: xdg }))).toBe("cache-insecure");
  });
});

describe("installParser", () => {
  test("writes a content-addressed, read-only file and leaves no temp file", () => {
    const dir = fresh();
    let reads = 0;
    const path = installParser(dir, "python", HASH, () => (reads++, BYTES));
    expect(path).toBe(cachedParserPath(dir, "python", HASH));
    expect(sha256(readFileSync(path))).toBe(HASH);
    expect(statSync(path).mode & 0o777).toBe(0o500);
    expect(readdirSync(dir)).toEqual([path.slice(dir.length + 1)]);
    expect(reads).toBe(1);
    // A good cached copy is used without reading the embedded bytes again.
    expect(
      installParser(dir, "python", HASH, () => {
        throw new Error("should not read");
      }),
    ).toBe(path);
  });

  for (const keep of [0, 1, 4096, BYTES.length - 1]) {
    test(`repairs a file truncated to ${keep} bytes`, () => {
      const dir = fresh();
      const path = installParser(dir, "python", HASH, () => BYTES);
      chmodSync(path, 0o600);
      truncateSync(path, keep);
      expect(installParser(dir, "python", HASH, () => BYTES)).toBe(path);
      expect(sha256(readFileSync(path))).toBe(HASH);
    });
  }

  test("refuses a file replaced by different bytes, and leaves it alone", () => {
    const dir = fresh();
    const path = installParser(dir, "python", HASH, () => BYTES);
    const evil = BYTES.slice();
    evil[100] = evil[100]! ^ 1;
    chmodSync(path, 0o600);
    writeFileSync(path, evil);
    expect(codeOf(() => installParser(dir, "python", HASH, () => BYTES))).toBe("cache-tampered");
    expect(sha256(readFileSync(path))).toBe(sha256(evil));
    // Longer than expected, with the right prefix: still not ours.
    writeFileSync(path, new Uint8Array([...BYTES, 0]));
    expect(codeOf(() => installParser(dir, "python", HASH, () => BYTES))).toBe("cache-tampered");
  });

  test("refuses a symlink in place of the file", () => {
    const dir = fresh();
    const elsewhere = join(fresh(), "lib.so");
    writeFileSync(elsewhere, BYTES);
    symlinkSync(elsewhere, cachedParserPath(dir, "python", HASH));
    expect(codeOf(() => installParser(dir, "python", HASH, () => BYTES))).toBe("cache-tampered");
  });

  test("refuses embedded bytes that do not match their build-time hash", () => {
    const wrong = BYTES.slice(1);
    expect(codeOf(() => installParser(fresh(), "python", HASH, () => wrong))).toBe("parser-corrupt");
  });
});
