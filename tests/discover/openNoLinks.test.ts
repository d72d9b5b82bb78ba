import { afterAll, expect, test } from "bun:test";
import { closeSync, mkdirSync, readSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openNoLinks, opensBeneath } from "../../src/discover/openNoLinks.ts";
import { decodePath, fsPath } from "../../src/discover/pathBytes.ts";
import { tempDirs } from "../diagnostics/tempDirs.ts";

const temp = tempDirs();
afterAll(temp.cleanup);

/** The text openNoLinks gives for `abs`, or its error's code (and the component it names). */
function open(abs: string): string {
  let fd: number;
  try {
    fd = openNoLinks(abs);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { component?: string };
    return e.component === undefined ? `${e.code}` : `${e.code} at ${e.component}`;
  }
  try {
    const buf = new Uint8Array(64);
    return new TextDecoder().decode(buf.subarray(0, readSync(fd, buf, 0, 64, 0)));
  } finally {
    closeSync(fd);
  }
}

test.skipIf(process.platform === "win32")("libc's openat is bound here (Linux, macOS)", () => {
  expect(opensBeneath()).toBe(true);
});

test.skipIf(process.platform === "win32")(
  "no link is followed anywhere on the path; what is held is the directory that was opened",
  () => {
    const root = temp.make("weft-open-");
    mkdirSync(join(root, "tree", "dir", "deep"), { recursive: true });
    mkdirSync(join(root, "out"));
    writeFileSync(join(root, "tree", "dir", "f.txt"), "inside");
    writeFileSync(join(root, "tree", "dir", "deep", "g.txt"), "deep");
    writeFileSync(join(root, "out", "f.txt"), "OUTSIDE");
    symlinkSync(join(root, "out"), join(root, "tree", "ldir"));
    symlinkSync(join(root, "out", "f.txt"), join(root, "tree", "lfile.txt"));
    expect(open(join(root, "tree", "dir", "f.txt"))).toBe("inside");
    expect(open(join(root, "tree", "dir", "deep", "g.txt"))).toBe("deep");
    expect(open(join(root, "tree", "lfile.txt"))).toBe("ELOOP");
    expect(open(join(root, "tree", "ldir", "f.txt"))).toBe(`ELOOP at ${join(root, "tree", "ldir")}`);
    expect(open(join(root, "tree", "missing", "f.txt"))).toBe("ENOENT");
    expect(open(join(root, "tree", "dir", "f.txt", "x"))).toBe("ENOTDIR");
    // Swapped for a link after a file in it was opened: the held directory is the real one.
    expect(open(join(root, "tree", "dir", "f.txt"))).toBe("inside");
    renameSync(join(root, "tree", "dir"), join(root, "tree", "dir.real"));
    symlinkSync(join(root, "out"), join(root, "tree", "dir"));
    expect(open(join(root, "tree", "dir", "f.txt"))).toBe("inside");
    // A directory deleted and made again is opened afresh (and a link there is still refused).
    expect(open(join(root, "tree", "dir", "deep", "g.txt"))).toBe(`ELOOP at ${join(root, "tree", "dir")}`);
    rmSync(join(root, "tree", "dir"));
    mkdirSync(join(root, "tree", "dir"));
    writeFileSync(join(root, "tree", "dir", "f.txt"), "again");
    expect(open(join(root, "tree", "dir", "f.txt"))).toBe("again");
    rmSync(join(root, "tree", "dir"), { recursive: true });
    mkdirSync(join(root, "tree", "dir"));
    writeFileSync(join(root, "tree", "dir", "f.txt"), "third");
    expect(open(join(root, "tree", "dir", "f.txt"))).toBe("third");
  },
);

test.skipIf(process.platform === "win32")(
  "a FIFO opens without blocking; a name that is not UTF-8 opens by its bytes",
  () => {
    const root = temp.make("weft-open-");
    expect(Bun.spawnSync(["mkfifo", join(root, "pipe")]).exitCode).toBe(0);
    const fd = openNoLinks(join(root, "pipe")); // would block forever without O_NONBLOCK
    closeSync(fd);
    const name = decodePath(Buffer.from([0x62, 0x61, 0x64, 0xff, 0x2e, 0x70, 0x79])); // "bad\xff.py"
    mkdirSync(fsPath(join(root, decodePath(Buffer.from([0x64, 0xfe])))));
    const abs = join(root, decodePath(Buffer.from([0x64, 0xfe])), name);
    writeFileSync(fsPath(abs), "raw");
    expect(open(abs)).toBe("raw");
  },
);
