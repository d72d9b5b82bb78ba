import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fsPath } from "../../src/discover/pathBytes.ts";
import { processFile } from "../../src/chunkers/processFile.ts";
import type { DiscoveredFile } from "../../src/model/file.ts";
import { DEFAULT_GOVERNOR } from "../../src/model/governor.ts";
import { removeTree, tempDir } from "../discover/tree.ts";

let dir: string;
beforeAll(() => {
  dir = tempDir("weft-read-");
});
afterAll(() => removeTree(dir));

/** A file as discovery hands it over (discovered when it was a 6-byte Python file). Not node:path's join, which Bun makes lossy. */
function discovered(rel: string): DiscoveredFile {
  return { index: 7, path: rel, absPath: `${dir}/${rel}`, language: "python", languageSource: "extension", size: 6 };
}

describe("processFile: what a file that changed since discovery comes out as", () => {
  test("gone: skipped as not-found, vanished after discovery", () => {
    writeFileSync(join(dir, "gone.py"), "x = 1\n");
    rmSync(join(dir, "gone.py"));
    expect(processFile(discovered("gone.py"), DEFAULT_GOVERNOR)).toEqual({
      status: "skipped",
      index: 7,
      path: "gone.py",
      reason: "not-found",
      detail: "vanished after discovery: ENOENT: no such file or directory",
    });
  });

  test("its directory replaced by a file (ENOTDIR): skipped as not-found", () => {
    writeFileSync(join(dir, "was-a-dir"), "now a file\n");
    expect(processFile(discovered("was-a-dir/a.py"), DEFAULT_GOVERNOR)).toMatchObject({
      status: "skipped",
      reason: "not-found",
      detail: expect.stringContaining("ENOTDIR"),
    });
  });

  test("any other read error (here a directory, EISDIR) is a failure with the errno code and a one-line message", () => {
    mkdirSync(join(dir, "now-a-dir.py"));
    expect(processFile(discovered("now-a-dir.py"), DEFAULT_GOVERNOR)).toEqual({
      status: "failed",
      index: 7,
      failure: {
        path: "now-a-dir.py",
        stage: "read",
        code: "EISDIR",
        message: "cannot be read: EISDIR: illegal operation on a directory",
      },
    });
  });

  test("a name that is not UTF-8 is read by its exact bytes", () => {
    writeFileSync(fsPath(`${dir}/bad\udcff.py`), "x = 1\n");
    writeFileSync(fsPath(`${dir}/bad\udcfe.py`), "y = 22\n");
    const r = processFile(discovered("bad\udcff.py"), DEFAULT_GOVERNOR);
    expect(r.status).toBe("chunked");
    if (r.status === "chunked") expect(r.chunks.map((c) => c.content).join("")).toBe("x = 1\n");
  });

  // Root reads every file whatever its mode, so this runs as an unprivileged user when we are root.
  const asUser =
    process.getuid?.() === 0
      ? existsSync("/usr/bin/setpriv")
        ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        : null
      : [];
  test.skipIf(asUser === null)("no permission: skipped as unreadable, as discovery does", () => {
    writeFileSync(join(dir, "locked.py"), "x = 1\n");
    chmodSync(join(dir, "locked.py"), 0o000);
    chmodSync(dir, 0o755);
    const module = resolve(import.meta.dir, "../../src/chunkers/processFile.ts");
    const governor = resolve(import.meta.dir, "../../src/model/governor.ts");
    const script = `import { processFile } from ${JSON.stringify(module)}; import { DEFAULT_GOVERNOR } from ${JSON.stringify(governor)};
      console.log(JSON.stringify(processFile(${JSON.stringify(discovered("locked.py"))}, DEFAULT_GOVERNOR)));`;
    const r = Bun.spawnSync([...asUser!, process.execPath, "-e", script], { cwd: dir });
    expect(r.stderr.toString()).toBe("");
    expect(JSON.parse(r.stdout.toString())).toEqual({
      status: "skipped",
      index: 7,
      path: "locked.py",
      reason: "unreadable",
      detail: "cannot be read: EACCES: permission denied",
    });
  });
  if (asUser === null) console.warn("SKIPPED permission test: running as root without setpriv to drop privileges");
});
