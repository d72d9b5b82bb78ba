import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { git, removeTree, tempDir, writeTree } from "../discover/tree.ts";
import { cleanup, sandbox, sandboxEnv, type Sandbox } from "./harness.ts";

// A private file outside every sandbox, which a planted link tries to reach.
const outside = tempDir("weft-e2e-outside-");
writeFileSync(join(outside, "id_rsa"), "PRIVATE KEY\n");
afterAll(() => {
  cleanup();
  removeTree(outside);
});

/** Runs the compiled binary in the sandbox with `stdin` fed in; kills it if it hangs (a FIFO opened by mistake would). */
async function weft(sb: Sandbox, args: string[], stdin?: string) {
  mkdirSync(join(sb.dir, "tmp"), { recursive: true }); // The binary unpacks its native addon into TMPDIR.
  const proc = Bun.spawn([sb.bin, ...args], { cwd: sb.dir, env: sandboxEnv(sb), stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin), stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill(), 30_000);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

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
    expect(skipped.stdout.trim().split("\n").map((l) => JSON.parse(l)).map((s) => [s.path, s.reason])).toEqual([
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
    expect(all.stdout.split("\n").filter(Boolean).map((l) => l.split("\t")[0])).toEqual([".gitignore", "src/app.py", "src/tool", "src/util.ts"]);
    const parts: string[] = [];
    for (let k = 1; k <= 3; k++) parts.push(...(await weft(sb, ["files", "--stdin", "-0", "--hidden", "--shard", `${k}/3`], list)).stdout.split("\n").filter(Boolean));
    expect(parts.sort()).toEqual(all.stdout.split("\n").filter(Boolean));
  });

  test("weft chunk --skipped FILE writes JSON Lines; bad discovery options exit 2 with one line", async () => {
    const sb = repo();
    const r = await weft(sb, ["chunk", "--skipped", "skips.jsonl", "src"]);
    expect(r.code).toBe(0);
    expect(new Set(r.stdout.trim().split("\n").map((l) => JSON.parse(l).path))).toEqual(new Set(["src/app.py", "src/tool", "src/util.ts"]));
    const skips = (await Bun.file(join(sb.dir, "skips.jsonl")).text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(skips.map((s) => s.reason)).toEqual(["symlink-not-followed", "not-regular-file"]);
    const bad = await weft(sb, ["chunk", "--shard", "5/4"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });
});
