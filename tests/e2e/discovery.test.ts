import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fsPath } from "../../src/discover/pathBytes.ts";
import { git, removeTree, tempDir, writeTree } from "../discover/tree.ts";
import { cleanup, runWeft, sandbox, type Sandbox } from "./harness.ts";

// A private file outside every sandbox, which a planted link tries to reach.
const outside = tempDir("weft-e2e-outside-");
writeFileSync(join(outside, "id_rsa"), "PRIVATE KEY\n");
afterAll(() => {
  cleanup();
  removeTree(outside);
});

/** runWeft, with `stdin` fed in; kills the binary if it hangs (a FIFO opened by mistake would). */
const weft = (sb: Sandbox, args: string[], stdin?: string | Uint8Array, cmd?: string[]) =>
  runWeft(sb, args, undefined, { stdin, cmd, killAfterMs: 30_000 });

/** A small repository in the sandbox: ignore rules, a hidden file, a FIFO, a link leading out of it. */
function repo(): Sandbox {
  const sb = sandbox();
  writeTree(sb.dir, {
    ".gitignore": "home/\ncache/\ntmp/\n*.log\n",
    "src/app.py": "def main():\n    return 1\n",
    "src/util.ts": "export const x = 1;\n",
    "src/tool": "#!/usr/bin/env bash\necho hi\n",
    "debug.log": "ignored\n",
    ".env": "SECRET=1\n",
  });
  symlinkSync(join(outside, "id_rsa"), join(sb.dir, "src/key"));
  git(sb.dir, ["init", "-q"]);
  expect(Bun.spawnSync(["mkfifo", join(sb.dir, "src/pipe")]).exitCode).toBe(0);
  return sb;
}

describe("discovery in the compiled binary", () => {
  test("weft files: ignore rules, hidden files, shebang; a FIFO and a link out of the tree are skipped, never read", async () => {
    const sb = repo();
    const r = await weft(sb, ["files", "--follow"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("src/app.py\tpython\t25\nsrc/tool\tbash\t28\nsrc/util.ts\ttypescript\t20\n");
    const skipped = await weft(sb, ["files", "--follow", "--skipped", "--json"]);
    expect(
      skipped.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
        .map((s) => [s.path, s.reason]),
    ).toEqual([
      ["src/key", "symlink-outside-root"],
      ["src/pipe", "not-regular-file"],
    ]);
  });

  test("git ls-files -z | weft files --stdin -0, and --shard K/N splits it with nothing lost", async () => {
    const sb = repo();
    git(sb.dir, ["add", ".gitignore", "src/app.py", "src/util.ts", "src/tool"]);
    const list = git(sb.dir, ["ls-files", "-z"]);
    const all = await weft(sb, ["files", "--stdin", "-0", "--hidden"], list);
    expect(all.code).toBe(0);
    expect(
      all.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("\t")[0]),
    ).toEqual([".gitignore", "src/app.py", "src/tool", "src/util.ts"]);
    const parts: string[] = [];
    for (let k = 1; k <= 3; k++)
      parts.push(
        ...(await weft(sb, ["files", "--stdin", "-0", "--hidden", "--shard", `${k}/3`], list)).stdout
          .split("\n")
          .filter(Boolean),
      );
    expect(parts.sort()).toEqual(all.stdout.split("\n").filter(Boolean));
  });

  test("weft chunk --skipped FILE writes JSON Lines; bad discovery options exit 2 with one line", async () => {
    const sb = repo();
    const r = await weft(sb, ["chunk", "--skipped", "skips.jsonl", "src"]);
    expect(r.code).toBe(0);
    expect(
      new Set(
        r.stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l).path),
      ),
    ).toEqual(new Set(["src/app.py", "src/tool", "src/util.ts"]));
    const skips = (await Bun.file(join(sb.dir, "skips.jsonl")).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(skips.map((s) => s.reason)).toEqual(["symlink-not-followed", "not-regular-file"]);
    const bad = await weft(sb, ["chunk", "--shard", "5/4"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });

  test("--stdin: a linked directory on the way out of the tree is not followed, and with --follow stays out of bounds", async () => {
    const sb = repo();
    mkdirSync(join(sb.dir, "tree"));
    symlinkSync(outside, join(sb.dir, "tree/etcdir")); // like `ln -s /etc tree/etcdir`
    for (const [flags, reason, detail] of [
      [[], "symlink-not-followed", "tree/etcdir: symbolic link not followed (use --follow)"],
      [
        ["--follow"],
        "symlink-outside-root",
        `tree/etcdir: symbolic link leads outside the given roots (to ${outside})`,
      ],
    ] as const) {
      const r = await weft(
        sb,
        ["chunk", "--stdin", ...flags, "--skipped", "skips.jsonl"],
        "tree/etcdir/id_rsa\ntree/etcdir/../../src/app.py\n",
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toBe("");
      expect(r.stderr).not.toContain("PRIVATE KEY");
      const skips = (await Bun.file(join(sb.dir, "skips.jsonl")).text())
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(skips).toEqual([
        { path: "src/app.py", reason, detail },
        { path: "tree/etcdir/id_rsa", reason, detail },
      ]);
    }
  });

  test("names that are not UTF-8 are chunked, named losslessly in JSON, quoted in plain text; a newline in a name stays on its line", async () => {
    const sb = sandbox();
    const names = ["bad\udcff.py", "bad\udcfe.py", "d\udcfe/in.py", "new\nline.py", "ok.py"];
    mkdirSync(fsPath(`${sb.dir}/d\udcfe`));
    for (const n of names) writeFileSync(fsPath(`${sb.dir}/${n}`), "x = 1\n");
    const files = await weft(sb, ["files", "--exclude", "home/", "--exclude", "tmp/"]);
    expect(files.code).toBe(0);
    expect(files.stdout).toBe(
      '"bad\\376.py"\tpython\t6\n"bad\\377.py"\tpython\t6\n"d\\376/in.py"\tpython\t6\n"new\\nline.py"\tpython\t6\nok.py\tpython\t6\n',
    );
    const json = (await weft(sb, ["files", "--json", "--exclude", "home/", "--exclude", "tmp/"])).stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).path);
    expect(json).toEqual(["bad\udcfe.py", "bad\udcff.py", "d\udcfe/in.py", "new\nline.py", "ok.py"]);
    // The sandbox's parser cache (which holds the napi addon from the moment weft starts) is not part of the tree.
    const inline = await weft(sb, [
      "chunk",
      "--executor",
      "inline",
      "--exclude",
      "home/",
      "--exclude",
      "tmp/",
      "--exclude",
      "cache/",
    ]);
    const workers = await weft(sb, [
      "chunk",
      "--executor",
      "workers",
      "--workers",
      "2",
      "--exclude",
      "home/",
      "--exclude",
      "tmp/",
      "--exclude",
      "cache/",
    ]);
    expect(inline.code).toBe(0);
    expect(inline.stderr).toContain("5 chunked, 0 skipped, 0 failed");
    expect(workers.stdout).toBe(inline.stdout);
    const chunks = inline.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(chunks.map((c) => [c.path, c.content])).toEqual(json.map((p) => [p, "x = 1\n"]));
    expect(new Set(chunks.map((c) => c.id)).size).toBe(5); // same content and range: only the path tells them apart
    // docs/discovery.md's promise: Python's os.fsencode(record["path"]) is the name's bytes.
    const python = Bun.which("python3");
    if (python) {
      const check =
        "import sys, json, os\nfor l in sys.stdin:\n    p = os.fsencode(json.loads(l)['path'])\n    print(p.hex(), os.path.isfile(p))";
      const r = Bun.spawnSync([python, "-c", check], {
        cwd: sb.dir,
        stdin: Buffer.from(inline.stdout),
        env: { PYTHONUTF8: "1" },
      });
      expect(r.stdout.toString().trim().split("\n")).toEqual(
        ["626164fe2e7079", "626164ff2e7079", "64fe2f696e2e7079", "6e65770a6c696e652e7079", "6f6b2e7079"].map(
          (h) => `${h} True`,
        ),
      );
    } else console.warn("SKIPPED the os.fsencode check: no python3");
    // Listed by their bytes (git ls-files -z), and from a current directory whose name is not UTF-8.
    const list = Buffer.concat([
      Buffer.from("bad"),
      Buffer.from([0xff]),
      Buffer.from(".py\0d"),
      Buffer.from([0xfe]),
      Buffer.from("/in.py\0"),
    ]);
    expect((await weft(sb, ["files", "--stdin", "-0"], list)).stdout).toBe(
      '"bad\\377.py"\tpython\t6\n"d\\376/in.py"\tpython\t6\n',
    );
    const inDir = await weft(sb, ["files", "--json"], undefined, [
      "sh",
      "-c",
      'cd "$(printf "d\\376")" && exec "$0" "$@"',
      sb.bin,
    ]);
    expect(inDir.stdout).toBe('{"index":0,"path":"in.py","language":"python","languageSource":"extension","size":6}\n');
  });
});
