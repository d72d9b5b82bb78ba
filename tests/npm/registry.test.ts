// The npm distribution end to end, against a real registry: Verdaccio 6.8.0 (packaging/verdaccio,
// installed from its own lock file) started on 127.0.0.1 with a temporary config and storage; the
// main package and this machine's platform package staged from dist/weft by build/npm.ts and
// published to it with npm; then, with a PATH that has node and npm but no bun and an empty HOME,
// `npm i -g weft-chunker`, `npx weft-chunker chunk .`, and the typed API from a scratch project
// that installs the package from the registry (run by node and by bun, type-checked by tsc).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sha256 } from "../../src/languages/cache.ts";
import { hostTarget } from "../../src/languages/targets.ts";
import { BINARY } from "../e2e/harness.ts";

const ROOT = resolve(import.meta.dir, "../..");
const VERDACCIO_DIR = join(ROOT, "packaging", "verdaccio");
const VERDACCIO = join(VERDACCIO_DIR, "node_modules", "verdaccio", "bin", "verdaccio");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const HOST = hostTarget()!;
const PLATFORM_PKG = `weft-chunker-${HOST.platform}-${HOST.arch}`;

let root: string;
let registry: Subprocess | undefined;
let url: string;
/** A directory holding only node, npm, npx and sh: the PATH of a machine without Bun. */
let tools: string;
type User = { home: string; env: Record<string, string> };
let globalInstall: Promise<User & { r: Run }>;
let npxRun: Promise<User & { project: string; r: Run }>;
let scratchInstall: Promise<User & { dir: string; r: Run }>;

type Run = { code: number; stdout: string; stderr: string };

async function run(cmd: string[], opts: { cwd: string; env: Record<string, string> }): Promise<Run> {
  const proc = Bun.spawn(cmd, { cwd: opts.cwd, env: opts.env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

function must(r: Run, what: string): Run {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stderr}\n${r.stdout}`.slice(0, 4000));
  return r;
}

/** A user's environment: an empty HOME of its own, the registry, no Bun on PATH. */
function userEnv(name: string, extraPath: string[] = []): { home: string; env: Record<string, string> } {
  const home = join(root, name);
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, ".npmrc"), "");
  return {
    home,
    env: {
      PATH: [...extraPath, tools].join(":"),
      HOME: home,
      npm_config_registry: url,
      npm_config_userconfig: join(home, ".npmrc"),
      npm_config_cache: join(home, ".npm"),
      npm_config_prefix: join(home, "prefix"),
      npm_config_update_notifier: "false",
      npm_config_fund: "false",
      npm_config_audit: "false",
      WEFT_CACHE_DIR: join(home, "weft-cache"),
    },
  };
}

/** Publishes an npm tarball as `npm publish` does: one PUT of the packument with the tarball attached. */
async function publishTarball(tgz: string, token: string): Promise<void> {
  const bytes = readFileSync(tgz);
  const listed = Bun.spawnSync(["tar", "-xzOf", tgz, "package/package.json"], { stdout: "pipe" });
  const manifest = JSON.parse(listed.stdout.toString()) as { name: string; version: string };
  const file = `${manifest.name}-${manifest.version}.tgz`;
  const integrity = `sha512-${new Bun.CryptoHasher("sha512").update(bytes).digest("base64")}`;
  const shasum = new Bun.CryptoHasher("sha1").update(bytes).digest("hex");
  const res = await fetch(`${url}${manifest.name}`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      _id: manifest.name,
      name: manifest.name,
      "dist-tags": { latest: manifest.version },
      versions: {
        [manifest.version]: {
          ...manifest,
          _id: `${manifest.name}@${manifest.version}`,
          dist: { integrity, shasum, tarball: `${url}${manifest.name}/-/${file}` },
        },
      },
      _attachments: {
        [file]: { content_type: "application/octet-stream", data: bytes.toString("base64"), length: bytes.length },
      },
    }),
  });
  if (!res.ok) throw new Error(`publishing ${file}: HTTP ${res.status} ${await res.text()}`);
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => done(port));
    });
  });
}

/** A small project to chunk: two languages, several chunks. */
function writeProject(dir: string): void {
  mkdirSync(join(dir, "src"), { recursive: true });
  const py = Array.from(
    { length: 30 },
    (_, i) => `def f${i}(x):\n    """Doubles x, then adds ${i}."""\n    return 2 * x + ${i}\n`,
  ).join("\n");
  writeFileSync(join(dir, "src", "app.py"), py);
  writeFileSync(
    join(dir, "src", "lib.ts"),
    "export class Counter {\n  private n = 0;\n  inc(): number {\n    return ++this.n;\n  }\n}\n\nexport function twice(f: () => void): void {\n  f();\n  f();\n}\n",
  );
}

beforeAll(async () => {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run \`bun run build\` first (\`bun run test\` does)`);
  if (!existsSync(VERDACCIO)) {
    // Verdaccio has its own lock file, so the project's dependencies stay as they are.
    const proc = Bun.spawnSync([process.execPath, "install", "--frozen-lockfile"], {
      cwd: VERDACCIO_DIR,
      stdout: "ignore",
      stderr: "pipe",
    });
    if (proc.exitCode !== 0) throw new Error(`bun install in ${VERDACCIO_DIR} failed: ${proc.stderr.toString()}`);
  }
  root = realpathSync(mkdtempSync(join(tmpdir(), "weft-npm-")));
  tools = join(root, "tools");
  mkdirSync(tools);
  for (const tool of ["node", "npm", "npx", "sh"]) {
    const path = Bun.which(tool);
    if (!path) throw new Error(`${tool} is not on PATH`);
    symlinkSync(realpathSync(path), join(tools, tool));
  }

  // The packages, staged and packed as the release does (gzip level 1 here: 2 s instead of 10).
  const staged = must(
    await run(
      [
        process.execPath,
        join(ROOT, "build", "npm.ts"),
        "--host",
        "--pack",
        "--gzip-level",
        "1",
        "--out",
        join(root, "packages"),
      ],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: root } },
    ),
    "build/npm.ts",
  );
  const tarballs = staged.stdout.trim().split("\n");
  expect(tarballs.map((t) => t.slice(t.lastIndexOf("/") + 1))).toEqual([
    `weft-chunker-${VERSION}.tgz`,
    `${PLATFORM_PKG}-${VERSION}.tgz`,
  ]);

  // The registry: no uplinks (nothing leaves the machine), publishing for a logged-in user.
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  const conf = join(root, "verdaccio");
  mkdirSync(conf);
  writeFileSync(
    join(conf, "config.yaml"),
    [
      `storage: ${join(conf, "storage")}`,
      "auth:",
      "  htpasswd:",
      `    file: ${join(conf, "htpasswd")}`,
      "uplinks: {}",
      "packages:",
      "  '**':",
      "    access: $all",
      "    publish: $authenticated",
      "max_body_size: 1gb",
      "log: { type: stdout, format: pretty, level: error }",
      "",
    ].join("\n"),
  );
  registry = Bun.spawn(["node", VERDACCIO, "--config", join(conf, "config.yaml"), "--listen", `127.0.0.1:${port}`], {
    cwd: conf,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: conf },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`${url}-/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (registry.exitCode !== null || Date.now() > deadline)
      throw new Error(`verdaccio did not start: ${await new Response(registry.stderr as ReadableStream).text()}`);
    await Bun.sleep(200);
  }
  const login = (await (
    await fetch(`${url}-/user/org.couchdb.user:ci`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "ci", password: "weft-test-password" }),
    })
  ).json()) as { token?: string };
  if (!login.token) throw new Error(`verdaccio: no token for the test user: ${JSON.stringify(login)}`);
  const publisher = join(root, "publisher");
  mkdirSync(publisher);
  writeFileSync(join(publisher, ".npmrc"), `//127.0.0.1:${port}/:_authToken=${login.token}\n`);
  // Platform package first, as the release workflow does: the main package depends on it. The main
  // package goes through `npm publish`; the platform package through the same registry request npm
  // makes (PUT /<name> with the tarball attached), because npm's client spent 25 s of the test
  // preparing that request for the 79 MB tarball (measured against a server that only reads it).
  const [main, platform] = tarballs as [string, string];
  await publishTarball(platform, login.token);
  must(
    await run(["npm", "publish", main, "--registry", url, "--userconfig", join(publisher, ".npmrc")], {
      cwd: publisher,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: publisher },
    }),
    `npm publish ${main}`,
  );

  // The three users' installs are independent: they run at once, and each test awaits its own.
  globalInstall = (async () => {
    const user = userEnv("global-user");
    return { ...user, r: await run(["npm", "i", "-g", "weft-chunker"], { cwd: user.home, env: user.env }) };
  })();
  npxRun = (async () => {
    const user = userEnv("npx-user");
    const project = join(user.home, "project");
    writeProject(project);
    const r = await run(["npx", "--yes", "weft-chunker", "chunk", "."], { cwd: project, env: user.env });
    return { ...user, project, r };
  })();
  scratchInstall = (async () => {
    const user = userEnv("api-user");
    const dir = join(user.home, "scratch");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
    return { ...user, dir, r: await run(["npm", "i", "weft-chunker"], { cwd: dir, env: user.env }) };
  })();
  // Nothing is left unhandled if a test that awaits one is skipped.
  for (const p of [globalInstall, npxRun, scratchInstall]) p.catch(() => {});
}, 240_000);

afterAll(async () => {
  if (registry && registry.exitCode === null) {
    registry.kill("SIGTERM");
    // Verdaccio can take a while over SIGTERM; it holds nothing worth a clean stop.
    const stopped = await Promise.race([registry.exited.then(() => true), Bun.sleep(3000).then(() => false)]);
    if (!stopped) registry.kill("SIGKILL");
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("npm packages from a local Verdaccio, no Bun on PATH", () => {
  test("the test's PATH really has no bun", () => {
    expect(Bun.which("bun", { PATH: tools })).toBeNull();
    expect(Bun.which("node", { PATH: tools })).not.toBeNull();
  });

  test("the registry serves the main package with every platform as an optional dependency", async () => {
    const meta = (await (await fetch(`${url}weft-chunker`)).json()) as {
      versions: Record<
        string,
        { bin: Record<string, string>; optionalDependencies: Record<string, string>; scripts?: object }
      >;
    };
    const v = meta.versions[VERSION]!;
    expect(v.bin).toEqual({ weft: "bin/weft.js" });
    expect(Object.keys(v.optionalDependencies).sort()).toEqual(
      ["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64", "win32-x64"].map((p) => `weft-chunker-${p}`),
    );
    expect(v.scripts ?? {}).toEqual({}); // no install scripts
    const platform = (await (await fetch(`${url}${PLATFORM_PKG}`)).json()) as {
      versions: Record<string, { os: string[]; cpu: string[] }>;
    };
    expect(platform.versions[VERSION]).toMatchObject({ os: [HOST.platform], cpu: [HOST.arch] });
  });

  test("npm i -g weft-chunker: weft --version, weft diagnose and weft --licenses work", async () => {
    const { home, env, r } = await globalInstall;
    must(r, "npm i -g weft-chunker");
    const prefix = env.npm_config_prefix!;
    const installed = join(prefix, "lib", "node_modules", "weft-chunker");
    const binary = join(installed, "node_modules", PLATFORM_PKG, "bin", "weft");
    expect(existsSync(binary)).toBe(true);
    // The installed binary is the one built, byte for byte.
    expect(sha256(readFileSync(binary))).toBe(sha256(readFileSync(BINARY)));
    for (const dir of [installed, join(installed, "node_modules", PLATFORM_PKG)])
      expect(readFileSync(join(dir, "THIRD-PARTY-NOTICES.txt"), "utf8")).toContain("JavaScriptCore");

    const user = { cwd: home, env: { ...env, PATH: `${join(prefix, "bin")}:${env.PATH}` } };
    expect(Bun.which("weft", { PATH: user.env.PATH })).toBe(join(prefix, "bin", "weft"));
    const version = must(await run(["weft", "--version"], user), "weft --version");
    expect(version.stdout).toStartWith(`${VERSION} (commit `);
    expect(version.stdout.trim()).toEndWith(`, ${HOST.id})`);
    must(await run(["weft", "diagnose"], user), "weft diagnose");
    const licenses = must(await run(["weft", "--licenses"], user), "weft --licenses");
    expect(licenses.stdout).toContain(readFileSync(join(ROOT, "dist", "THIRD-PARTY-NOTICES.txt"), "utf8"));
    // A usage error keeps weft's exit code and stderr through the launcher.
    const bad = await run(["weft", "chunk", "--max-tokens", "0"], user);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--max-tokens");
  }, 120_000);

  test("npx weft-chunker chunk . writes the records dist/weft writes", async () => {
    const { env, project, r } = await npxRun;
    const viaNpx = must(r, "npx weft-chunker chunk .");
    const direct = must(await run([BINARY, "chunk", "."], { cwd: project, env }), "dist/weft chunk .");
    const records = viaNpx.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { path: string });
    expect(new Set(records.map((r) => r.path))).toEqual(new Set(["src/app.py", "src/lib.ts"]));
    expect(records.length).toBeGreaterThan(2);
    expect(viaNpx.stdout).toBe(direct.stdout);
  }, 120_000);

  describe("the typed API from a scratch project", () => {
    let scratch: { home: string; env: Record<string, string>; dir: string };
    let expected: string;

    beforeAll(async () => {
      const { home, env, dir, r } = await scratchInstall;
      must(r, "npm i weft-chunker");
      writeProject(join(dir, "project"));
      // Many files, so that a run lasts long enough to be stopped in the middle.
      mkdirSync(join(dir, "big"));
      for (let i = 0; i < 400; i++)
        writeFileSync(
          join(dir, "big", `m${i}.py`),
          Array.from({ length: 40 }, (_, j) => `def g${j}(a, b):\n    return a * ${j} + b - ${i}\n`).join("\n"),
        );
      writeFileSync(join(dir, "check.mjs"), CHECK_SCRIPT);
      expected = must(await run([BINARY, "chunk", "."], { cwd: join(dir, "project"), env }), "dist/weft").stdout;
      scratch = { home, env, dir };
    }, 120_000);

    for (const runtime of ["node", "bun"] as const)
      test(`records, a failing run and cancellation (${runtime})`, async () => {
        const exe = runtime === "node" ? "node" : process.execPath;
        const r = must(await run([exe, "check.mjs"], { cwd: scratch.dir, env: scratch.env }), `${runtime} check.mjs`);
        const out = JSON.parse(r.stdout) as CheckResult;
        // The records are weft's own lines, parsed.
        expect(out.records.map((x) => JSON.stringify(x)).join("\n") + "\n").toBe(expected);
        expect(out.failure).toMatchObject({ name: "WeftRunError", exitCode: 2 });
        expect(out.failure.message).toContain("--max-tokens");
        expect(out.failure.stderr).toContain(out.failure.message);
        expect(out.aborted.error).toBe("AbortError");
        expect(out.aborted.seen).toBeGreaterThan(0);
        expect(out.aborted.seen).toBeLessThan(out.aborted.total);
        // After the abort and after an early break, no weft process is left running.
        expect(out.aborted.running).toEqual([]);
        expect(out.broke.running).toEqual([]);
        expect(out.broke.seen).toBe(1);
      }, 120_000);

    test("the published .d.ts types the records (tsc on a TypeScript consumer)", async () => {
      writeFileSync(join(scratch.dir, "consumer.ts"), CONSUMER_TS);
      writeFileSync(
        join(scratch.dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            module: "nodenext",
            target: "es2022",
            types: [],
            lib: ["es2022", "dom"],
          },
          files: ["consumer.ts"],
        }),
      );
      const tsc = await run([join(ROOT, "node_modules", ".bin", "tsc"), "-p", "."], {
        cwd: scratch.dir,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: scratch.home },
      });
      expect(`${tsc.stdout}${tsc.stderr}`).toBe("");
      expect(tsc.code).toBe(0);
    }, 60_000);
  });
});

type CheckResult = {
  records: object[];
  failure: { name: string; exitCode: number; message: string; stderr: string };
  aborted: { error: string; seen: number; total: number; running: string[] };
  broke: { seen: number; running: string[] };
};

/** Runs in the scratch project with node and with bun: uses the installed package as a user would. */
const CHECK_SCRIPT = `import { readdirSync, readlinkSync } from "node:fs";
import { binaryPath, chunk, WeftRunError } from "weft-chunker";

const bin = binaryPath();
/** weft processes running now (Linux: /proc/PID/exe is the binary). */
function running() {
  const out = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\\d+$/.test(p))) {
    try {
      if (readlinkSync(\`/proc/\${pid}/exe\`) === bin) out.push(pid);
    } catch {}
  }
  return out;
}

const records = [];
for await (const r of chunk(["."], { cwd: "project" })) records.push(r);

let failure;
try {
  for await (const _ of chunk(["."], { cwd: "project", maxTokens: 0 })) {}
} catch (err) {
  if (!(err instanceof WeftRunError)) throw err;
  failure = { name: err.name, exitCode: err.exitCode, message: err.message, stderr: err.stderr };
}

let total = 0;
for await (const _ of chunk(["big"], { executor: "inline" })) total++;
const controller = new AbortController();
let seen = 0;
let error = "none";
try {
  for await (const _ of chunk(["big"], { signal: controller.signal, executor: "inline" })) {
    if (++seen === 1) controller.abort();
  }
} catch (err) {
  error = err.name;
}
const aborted = { error, seen, total, running: running() };

let broken = 0;
for await (const _ of chunk(["big"], { executor: "inline" })) {
  broken++;
  break;
}
const broke = { seen: broken, running: running() };
process.stdout.write(JSON.stringify({ records, failure, aborted, broke }));
`;

/** A TypeScript consumer: must type-check against the published declarations, and its errors must be caught. */
const CONSUMER_TS = `import { chunk, WeftRunError, type ChunkRecord, type RunSummary } from "weft-chunker";

async function main(): Promise<void> {
  const controller = new AbortController();
  try {
    for await (const record of chunk(["src"], { maxTokens: 256, tokenizer: "cl100k", signal: controller.signal })) {
      const r: ChunkRecord = record;
      const lines: number = r.line_end - r.line_start + 1;
      const strategy: "semantic" | "delimiter" | "text" = r.strategy;
      const first: number | undefined = r.invalid_utf8?.[0]?.byte_start;
      // @ts-expect-error records have no such field
      r.no_such_field;
      console.log(lines, strategy, first, r.scope.join(" > "));
    }
  } catch (err) {
    if (err instanceof WeftRunError) console.log(err.exitCode, err.stderr);
  }
  // @ts-expect-error not a tokenizer weft has
  chunk(".", { tokenizer: "gpt2" });
  const s: Pick<RunSummary, "outcome"> = { outcome: "complete" };
  console.log(s);
}
void main();
`;
