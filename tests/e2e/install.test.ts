// install.sh end to end: a release served over HTTP on 127.0.0.1 (the real dist/weft in its
// release archive, SHA256SUMS, and broken variants), the script run by /bin/sh with a fresh HOME and prefix, and
// `uname` replaced where a test needs another platform.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { releaseArchive, tarGz } from "../../build/archive.ts";
import { sha256 } from "../../src/languages/cache.ts";
import { hostTarget } from "../../src/languages/targets.ts";
import { BINARY } from "./harness.ts";

const INSTALL = resolve(import.meta.dir, "../../install.sh");
const VERSION = (
  JSON.parse(readFileSync(resolve(import.meta.dir, "../../package.json"), "utf8")) as { version: string }
).version;
const HOST = `weft-${hostTarget()!.id}.tar.gz`;
const MTIME = 1_765_000_000;

/** A release directory on the server: file name -> bytes. */
type Release = Record<string, Uint8Array | string>;
const releases = new Map<string, Release>();
const requests: string[] = [];
let server: ReturnType<typeof Bun.serve>;
let root: string;
/** dist/weft, and its release archive (gzip level 1 here, to save 10 s). */
let realBinary: Uint8Array;
let real: Uint8Array;

const sums = (files: Record<string, Uint8Array | string>) =>
  Object.entries(files)
    .map(([name, bytes]) => `${sha256(typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes)}  ${name}\n`)
    .join("");

/** A stand-in binary: a script that prints a version line, or runs `body` first (never expected to run). */
const script = (body = "") => `#!/bin/sh\n${body}\necho "${VERSION} (stand-in)"\n`;
/** A release archive holding `binary` as weft. */
const archive = (binary: string | Uint8Array) =>
  tarGz(
    [{ name: "weft", bytes: typeof binary === "string" ? new TextEncoder().encode(binary) : binary, mode: 0o755 }],
    MTIME,
    1,
  );

beforeAll(() => {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run \`bun run build\` first (\`bun run test\` does)`);
  root = realpathSync(mkdtempSync(join(tmpdir(), "weft-install-")));
  realBinary = new Uint8Array(readFileSync(BINARY));
  real = releaseArchive(realBinary, "LICENSE", "THIRD-PARTY-NOTICES", false, MTIME, 1);
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      requests.push(path);
      const [, release, file] = path.split("/");
      const body = releases.get(release ?? "")?.[file ?? ""];
      return body === undefined ? new Response("not found", { status: 404 }) : new Response(body);
    },
  });
});

afterAll(() => {
  server?.stop(true);
  if (root) rmSync(root, { recursive: true, force: true });
});

type Result = { code: number; stdout: string; stderr: string; home: string; prefix: string };

/**
 * Runs install.sh with /bin/sh from an empty directory, with HOME and the prefix in it; `platform`
 * replaces `uname` ("Linux aarch64"); `path` replaces PATH entirely.
 */
async function install(
  release: string,
  opts: { platform?: string; args?: string[]; env?: Record<string, string>; path?: string } = {},
): Promise<Result> {
  const dir = mkdtempSync(join(root, "run-"));
  const home = join(dir, "home");
  const prefix = join(dir, "prefix");
  mkdirSync(home);
  let path = opts.path ?? process.env.PATH ?? "/usr/bin:/bin";
  if (opts.platform) {
    const [s, m] = opts.platform.split(" ");
    const fake = join(dir, "fakebin");
    mkdirSync(fake);
    writeFileSync(
      join(fake, "uname"),
      `#!/bin/sh\ncase "$1" in -s) echo ${s} ;; -m) echo ${m} ;; *) echo ${s} ;; esac\n`,
      { mode: 0o755 },
    );
    path = `${fake}:${path}`;
  }
  const env = { PATH: path, HOME: home, WEFT_DOWNLOAD_URL: `http://127.0.0.1:${server.port}/${release}`, ...opts.env };
  const proc = Bun.spawn(["/bin/sh", INSTALL, "--prefix", prefix, ...(opts.args ?? [])], {
    cwd: dir,
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr, home, prefix };
}

/** The one line a refusal prints: exactly one line on stderr, starting "weft install: ". */
function refusal(res: Result): string {
  const lines = res.stderr.split("\n").filter((l) => l !== "");
  expect(lines).toHaveLength(1);
  expect(res.stderr.endsWith("\n")).toBe(true);
  expect(lines[0]).toStartWith("weft install: ");
  return lines[0]!;
}

/** What the prefix holds: nothing is installed, and no temporary file is left, after a refusal. */
const installed = (res: Result) => (existsSync(join(res.prefix, "bin")) ? readdirSync(join(res.prefix, "bin")) : []);

describe("install.sh with the real build output", () => {
  test("installs this machine's binary after checking its sha256; the installed weft runs", async () => {
    releases.set("v-good", { [HOST]: real, SHA256SUMS: sums({ [HOST]: real, "weft-windows-x64.zip": "other" }) });
    const res = await install("v-good");
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const bin = join(res.prefix, "bin", "weft");
    expect(installed(res)).toEqual(["weft"]);
    expect(sha256(readFileSync(bin))).toBe(sha256(realBinary));
    expect(statSync(bin).mode & 0o777).toBe(0o755);
    expect(res.stdout).toContain(`installed weft ${VERSION} (commit `);
    expect(res.stdout).toContain(`is not on your PATH`);
    const run = Bun.spawnSync([bin, "--version"], { cwd: res.home, env: { PATH: "/usr/bin:/bin", HOME: res.home } });
    expect(run.stdout.toString().split(" ")[0]).toBe(VERSION);
  }, 60_000);

  test("a tampered archive (one byte changed) is refused with one line, and an installed weft is left as it was", async () => {
    const tampered = new Uint8Array(real);
    tampered[tampered.length - 100]! ^= 0xff;
    releases.set("v-tampered", { [HOST]: tampered, SHA256SUMS: sums({ [HOST]: real }) });
    const prefix = mkdtempSync(join(root, "prefix-"));
    mkdirSync(join(prefix, "bin"));
    writeFileSync(join(prefix, "bin", "weft"), "previous weft");
    const res = await install("v-tampered", { args: ["--prefix", prefix] });
    const line = refusal(res);
    expect(res.code).toBe(1);
    expect(line).toBe(
      `weft install: checksum mismatch for ${HOST} from http://127.0.0.1:${server.port}/v-tampered: SHA256SUMS says ${sha256(real)}, the download is ${sha256(tampered)}; nothing was installed`,
    );
    expect(readdirSync(join(prefix, "bin"))).toEqual(["weft"]);
    expect(readFileSync(join(prefix, "bin", "weft"), "utf8")).toBe("previous weft");
  }, 60_000);

  test("a substituted binary never runs: the hash is checked first", async () => {
    const marker = join(root, "substituted-binary-ran");
    const evil = archive(script(`touch ${marker}`));
    releases.set("v-substituted", { [HOST]: evil, SHA256SUMS: sums({ [HOST]: real }) });
    const res = await install("v-substituted");
    expect(refusal(res)).toContain(`checksum mismatch for ${HOST}`);
    expect(existsSync(marker)).toBe(false);
    expect(installed(res)).toEqual([]);
  });
});

describe("install.sh picks the platform's file, and refuses what it cannot install", () => {
  const standIn = script();
  const standInArchive = archive(standIn);
  releases.set(
    "v-all",
    Object.fromEntries([
      [
        "SHA256SUMS",
        sums(
          Object.fromEntries(
            ["linux-x64", "linux-arm64", "darwin-arm64", "darwin-x64"].map((p) => [`weft-${p}.tar.gz`, standInArchive]),
          ),
        ),
      ],
      ...["linux-x64", "linux-arm64", "darwin-arm64", "darwin-x64"].map((p) => [`weft-${p}.tar.gz`, standInArchive]),
    ]),
  );

  for (const [platform, asset] of [
    ["Linux x86_64", "weft-linux-x64.tar.gz"],
    ["Linux aarch64", "weft-linux-arm64.tar.gz"],
    ["Darwin arm64", "weft-darwin-arm64.tar.gz"],
    ["Darwin x86_64", "weft-darwin-x64.tar.gz"],
    ["Linux arm64", "weft-linux-arm64.tar.gz"],
    ["Linux amd64", "weft-linux-x64.tar.gz"],
  ] as const) {
    test(`uname ${platform} -> ${asset}`, async () => {
      requests.length = 0;
      const res = await install("v-all", { platform });
      expect(res.stderr).toBe("");
      expect(res.code).toBe(0);
      expect(requests).toEqual(["/v-all/SHA256SUMS", `/v-all/${asset}`]);
      expect(readFileSync(join(res.prefix, "bin", "weft"), "utf8")).toBe(standIn);
    });
  }

  test("a platform missing from the release is refused from SHA256SUMS, before any binary is downloaded", async () => {
    releases.set("v-x64-only", { [HOST]: real, SHA256SUMS: sums({ [HOST]: real }) });
    requests.length = 0;
    const res = await install("v-x64-only", { platform: "Linux aarch64" });
    expect(res.code).toBe(1);
    expect(refusal(res)).toBe(
      `weft install: release latest has no weft-linux-arm64.tar.gz (it is not in http://127.0.0.1:${server.port}/v-x64-only/SHA256SUMS)`,
    );
    expect(requests).toEqual(["/v-x64-only/SHA256SUMS"]);
    expect(installed(res)).toEqual([]);
  });

  test("a file listed in SHA256SUMS but missing from the release is refused", async () => {
    releases.set("v-lost", { SHA256SUMS: sums({ "weft-linux-arm64.tar.gz": standInArchive }) });
    const res = await install("v-lost", { platform: "Linux aarch64", args: ["--version", "0.1.0"] });
    expect(refusal(res)).toBe(
      `weft install: could not download http://127.0.0.1:${server.port}/v-lost/weft-linux-arm64.tar.gz (HTTP 404)`,
    );
    expect(res.stdout).toContain("weft-linux-arm64.tar.gz (v0.1.0)");
    expect(installed(res)).toEqual([]);
  });

  test("a release without SHA256SUMS is refused", async () => {
    releases.set("v-nosums", { [HOST]: real });
    const res = await install("v-nosums");
    expect(refusal(res)).toBe(
      `weft install: could not download http://127.0.0.1:${server.port}/v-nosums/SHA256SUMS (HTTP 404)`,
    );
  });

  test("an operating system or CPU without a release binary is refused without any download", async () => {
    requests.length = 0;
    expect(refusal(await install("v-all", { platform: "FreeBSD amd64" }))).toBe(
      "weft install: no weft binary for FreeBSD amd64 (releases have linux-x64, linux-arm64, darwin-arm64, darwin-x64, windows-x64)",
    );
    expect(refusal(await install("v-all", { platform: "Linux riscv64" }))).toBe(
      "weft install: no weft binary for linux riscv64 (releases have linux-x64, linux-arm64, darwin-arm64, darwin-x64, windows-x64)",
    );
    expect(refusal(await install("v-all", { platform: "MINGW64_NT-10.0 x86_64" }))).toContain(
      "on Windows, download weft-windows-x64.zip",
    );
    expect(requests).toEqual([]);
  });

  test("a stand-in that matches SHA256SUMS but does not run is not installed", async () => {
    const broken = archive("#!/bin/sh\nexit 1\n");
    releases.set("v-broken", {
      "weft-linux-x64.tar.gz": broken,
      SHA256SUMS: sums({ "weft-linux-x64.tar.gz": broken }),
    });
    const res = await install("v-broken", { platform: "Linux x86_64" });
    expect(refusal(res)).toBe(
      "weft install: weft-linux-x64.tar.gz matches SHA256SUMS but does not run here (no output); nothing was installed",
    );
    expect(installed(res)).toEqual([]);
  });

  test("an archive that matches SHA256SUMS but is not a .tar.gz, or holds no weft, is refused", async () => {
    const notices = tarGz([{ name: "LICENSE", bytes: new TextEncoder().encode("MIT"), mode: 0o644 }], MTIME, 1);
    for (const [name, bytes] of [
      ["v-garbage", "not an archive"],
      ["v-noweft", notices],
    ] as const) {
      releases.set(name, { "weft-linux-x64.tar.gz": bytes, SHA256SUMS: sums({ "weft-linux-x64.tar.gz": bytes }) });
      const res = await install(name, { platform: "Linux x86_64" });
      expect(res.code).toBe(1);
      expect(refusal(res)).toBe(
        "weft install: weft-linux-x64.tar.gz matches SHA256SUMS but tar could not extract weft from it; nothing was installed",
      );
      expect(installed(res)).toEqual([]);
    }
  });
});

describe("install.sh's tools and inputs", () => {
  test("works with wget and openssl when curl, sha256sum and shasum are absent", async () => {
    const bin = mkdtempSync(join(root, "bin-"));
    for (const tool of [
      "sh",
      "uname",
      "mktemp",
      "rm",
      "mkdir",
      "cp",
      "mv",
      "chmod",
      "awk",
      "head",
      "cat",
      "ls",
      "wget",
      "openssl",
      "tar",
      "gzip",
    ]) {
      const found = Bun.which(tool);
      if (!found) throw new Error(`${tool} is not installed`);
      symlinkSync(found, join(bin, tool));
    }
    const res = await install("v-all", { path: bin, platform: "Linux x86_64" });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(readFileSync(join(res.prefix, "bin", "weft"), "utf8")).toBe(script());
  });

  test("an unreachable server is one line", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const url = `http://127.0.0.1:${closed.port}`;
    closed.stop(true);
    const res = await install("v-all", { env: { WEFT_DOWNLOAD_URL: url } });
    expect(refusal(res)).toBe(`weft install: could not download ${url}/SHA256SUMS (curl could not connect or read it)`);
  });

  test("without a download URL, an unreleased copy of the script names no repository and downloads nothing", async () => {
    const res = await install("v-all", { env: { WEFT_DOWNLOAD_URL: "" } });
    expect(refusal(res)).toBe(
      "weft install: this copy of install.sh names no repository: use the install.sh attached to a weft release, or set WEFT_DOWNLOAD_URL",
    );
  });

  for (const kind of ["a directory", "a link to a directory"] as const) {
    test(`PREFIX/bin/weft that is ${kind} is refused with one line, exit 1, before any download; nothing changes`, async () => {
      const prefix = mkdtempSync(join(root, "prefix-"));
      const bin = join(prefix, "bin");
      mkdirSync(bin);
      const target = join(prefix, "elsewhere");
      mkdirSync(target);
      writeFileSync(join(target, "keep"), "kept");
      if (kind === "a directory") {
        rmSync(target, { recursive: true });
        mkdirSync(join(bin, "weft"));
        writeFileSync(join(bin, "weft", "keep"), "kept");
      } else symlinkSync(target, join(bin, "weft"));
      requests.length = 0;
      const res = await install("v-all", { args: ["--prefix", prefix] });
      expect(res.code).toBe(1);
      expect(refusal(res)).toBe(
        `weft install: ${bin}/weft is a directory (or a link to one), not a file weft can replace; move it away or give another --prefix`,
      );
      expect(requests).toEqual([]);
      expect(readdirSync(bin)).toEqual(["weft"]);
      expect(readdirSync(join(bin, "weft"))).toEqual(["keep"]);
    });
  }

  test("usage errors exit 2; --help exits 0", async () => {
    const res = await install("v-all", { args: ["--frobnicate"] });
    expect(res.code).toBe(2);
    expect(refusal(res)).toBe("weft install: unknown argument '--frobnicate' (see --help)");
    const help = await install("v-all", { args: ["--help"] });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--prefix DIR");
    expect(help.stderr).toBe("");
  });
});
