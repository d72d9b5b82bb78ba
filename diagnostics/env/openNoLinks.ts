import { readSync, closeSync, mkdirSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openNoLinks, opensBeneath } from "../../src/discover/openNoLinks.ts";
import { tempDirFor, verdict, type Verdict } from "../check.ts";

/** The first bytes of the file `openNoLinks` opens at `abs`, or the error code it throws. */
function attempt(abs: string): { text: string } | { code: string; component?: string } {
  let fd: number;
  try {
    fd = openNoLinks(abs);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { component?: string };
    return { code: e.code ?? String(err), ...(e.component !== undefined && { component: e.component }) };
  }
  try {
    const buf = new Uint8Array(64);
    return { text: new TextDecoder().decode(buf.subarray(0, readSync(fd, buf, 0, 64, 0))) };
  } finally {
    closeSync(fd);
  }
}

/**
 * How files are opened on this machine (src/discover/openNoLinks.ts), checked in a temporary
 * directory: a file opens; a file that is a link, and a file below a directory that is a link, are
 * refused (ELOOP, naming the directory); a directory swapped for a link after a file in it was
 * opened still gives its own files, never the link's target's.
 */
export function openNoLinksCheck(): Verdict {
  if (!opensBeneath())
    return process.platform === "win32"
      ? { status: "skip", detail: "Windows has no openat: only a path's last component is checked for links" }
      : {
          status: "fail",
          detail: "libc's openat could not be bound through bun:ffi: links above a file are not refused",
        };
  const temp = tempDirFor("weft-diagnose-open-");
  if ("failed" in temp) return temp.failed;
  const root = realpathSync(temp.dir);
  try {
    const problems: string[] = [];
    mkdirSync(join(root, "tree", "dir"), { recursive: true });
    mkdirSync(join(root, "outside"));
    writeFileSync(join(root, "tree", "dir", "f.txt"), "inside");
    writeFileSync(join(root, "outside", "f.txt"), "OUTSIDE");
    symlinkSync(join(root, "outside"), join(root, "tree", "linked"));
    symlinkSync(join(root, "outside", "f.txt"), join(root, "tree", "flink.txt"));
    const expect = (what: string, got: ReturnType<typeof attempt>, want: ReturnType<typeof attempt>) => {
      if (JSON.stringify(got) !== JSON.stringify(want))
        problems.push(`${what}: ${JSON.stringify(got)} where ${JSON.stringify(want)} was expected`);
    };
    expect("a plain file", attempt(join(root, "tree", "dir", "f.txt")), { text: "inside" });
    expect("a file that is a link", attempt(join(root, "tree", "flink.txt")), { code: "ELOOP" });
    expect("a file below a directory that is a link", attempt(join(root, "tree", "linked", "f.txt")), {
      code: "ELOOP",
      component: join(root, "tree", "linked"),
    });
    expect("again after that refusal", attempt(join(root, "tree", "dir", "f.txt")), { text: "inside" });
    // Swapped after a file in it was opened: the directory held is the real one, not the link's target.
    renameSync(join(root, "tree", "dir"), join(root, "tree", "dir.real"));
    symlinkSync(join(root, "outside"), join(root, "tree", "dir"));
    const swapped = attempt(join(root, "tree", "dir", "f.txt"));
    if ("text" in swapped && swapped.text !== "inside") problems.push("a directory swapped for a link was followed");
    return verdict(
      problems,
      "files opened one directory at a time with openat and O_NOFOLLOW: a link as the file or above it is refused",
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
