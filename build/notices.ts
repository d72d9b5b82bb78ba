// Third-party notices of what a weft binary embeds, generated at build time: build.ts writes them to
// dist/THIRD-PARTY-NOTICES.txt and into the binary (`weft --licenses`); the release archives and the
// npm packages ship the file. One list, COMPONENTS, says what is embedded and where each license
// text comes from; the grammars are added from the language table. A license text is either in an
// installed package (node_modules) or vendored under packaging/notices/ (packages whose license the
// project does not install, e.g. a grammar's upstream repository, or Bun's own): refresh those with
//   bun build/notices.ts --fetch      (runs `npm pack` for each vendored package)
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { LanguageSpec } from "../src/languages/spec.ts";
import { LANGUAGES } from "../src/languages/table.ts";
import { BuildError } from "./error.ts";

const ROOT = join(import.meta.dir, "..");
/** Vendored license texts, each named for the package and version it was taken from. */
export const VENDORED_DIR = join(ROOT, "packaging", "notices");

/** Where a component's license text is. */
export type LicenseSource =
  /** A license file of a package installed in the project's node_modules (LICENSE* when `file` is not given). */
  | { kind: "installed"; pkg: string; file?: string }
  /** The license file of an npm package (name@version), vendored as packaging/notices/<name@version>.txt. */
  | { kind: "npm"; spec: string }
  /** A file under packaging/notices/, vendored by hand; `origin` says where it came from. */
  | { kind: "file"; file: string; origin: string };

/** One embedded component and its license. */
export type Component = {
  name: string;
  /** What it is in weft, one line. */
  role: string;
  /** SPDX expression. */
  license: string;
  source: LicenseSource;
  /** npm packages this entry also stands for when the bundle includes them ("@scope/name-*" is a prefix). */
  packages?: readonly string[];
};

/**
 * Everything a weft binary embeds besides weft's own code, except the grammars (added by
 * `grammarComponents` from the language table). A new embedded library is one entry here.
 */
export const COMPONENTS: readonly Component[] = [
  {
    name: "Bun 1.4.4",
    role: "the JavaScript runtime the binary is (bun build --compile); its statically linked libraries are listed in its notice",
    license: "MIT",
    source: {
      kind: "file",
      file: "bun-LICENSE.md",
      origin: "LICENSE.md of github.com/oven-sh/bun (commit 09015d9125245b462c3a986d5c166ea28445a237)",
    },
  },
  {
    name: "JavaScriptCore and WebCore (WebKit, as patched by Bun)",
    role: "statically linked into Bun; source at github.com/oven-sh/webkit",
    license: "LGPL-2.0-or-later AND LGPL-2.1-or-later AND BSD-2-Clause (file by file; the LGPL 2.1 text follows)",
    source: {
      kind: "file",
      file: "LGPL-2.1.txt",
      origin: "the GNU LGPL 2.1 text (Debian /usr/share/common-licenses/LGPL-2.1)",
    },
  },
  {
    name: "ast-grep (@ast-grep/napi)",
    role: "the native addon that parses and queries syntax trees",
    license: "MIT",
    source: { kind: "installed", pkg: "@ast-grep/napi" },
    packages: ["@ast-grep/napi-*"],
  },
  {
    name: "tree-sitter (runtime library)",
    role: "the parsing runtime, compiled into weft's tree reader and into the @ast-grep/napi addon",
    license: "MIT",
    source: { kind: "npm", spec: "tree-sitter@0.25.1" },
  },
  {
    name: "citty",
    role: "command-line usage rendering",
    license: "MIT",
    source: { kind: "installed", pkg: "citty" },
  },
  { name: "consola", role: "bundled with citty", license: "MIT", source: { kind: "installed", pkg: "consola" } },
  { name: "ignore", role: ".gitignore matching", license: "MIT", source: { kind: "installed", pkg: "ignore" } },
  { name: "valibot", role: "data schemas", license: "MIT", source: { kind: "installed", pkg: "valibot" } },
  {
    name: "@valibot/to-json-schema",
    role: "`weft schema`",
    license: "MIT",
    source: { kind: "installed", pkg: "@valibot/to-json-schema" },
  },
  {
    name: "gpt-tokenizer (o200k and cl100k rank tables)",
    role: "the token rank tables in src/tokenize/data, generated from its lists",
    license: "MIT",
    source: { kind: "installed", pkg: "gpt-tokenizer" },
  },
];

/** The upstream grammars compiled into @ast-grep/napi itself (its Cargo dependencies). */
const BUILTIN_GRAMMARS: Record<string, string> = {
  JavaScript: "tree-sitter-javascript@0.25.0",
  TypeScript: "tree-sitter-typescript@0.23.2",
  Tsx: "tree-sitter-typescript@0.23.2",
  Html: "tree-sitter-html@0.23.2",
  Css: "tree-sitter-css@0.23.2",
};

/**
 * Grammars whose version a lang package names is not on npm: the license text is taken from the
 * version that is (the same repository and license).
 */
const LICENSE_FROM: Record<string, string> = {
  "tree-sitter-angular@0.6.2": "tree-sitter-angular@0.5.0",
};

const require = createRequire(join(ROOT, "package.json"));

function packageDir(name: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    const direct = join(ROOT, "node_modules", name);
    if (existsSync(join(direct, "package.json"))) return direct;
    throw new BuildError(`notices: package ${name} is not installed (run bun install)`);
  }
}

/** The upstream grammar (npm name@version) an @ast-grep/lang-* package builds its parser from: its one grammar devDependency. */
export function upstreamGrammar(langPkg: string): string {
  const manifest = JSON.parse(readFileSync(join(packageDir(langPkg), "package.json"), "utf8")) as {
    devDependencies?: Record<string, string>;
  };
  const grammars = Object.entries(manifest.devDependencies ?? {}).filter(
    ([name]) => /(^|\/)tree-sitter-/.test(name) && name !== "tree-sitter-cli",
  );
  if (grammars.length !== 1)
    throw new BuildError(
      `notices: ${langPkg} names ${grammars.length} grammar devDependencies (${grammars.map(([n]) => n).join(", ") || "none"}); say which grammar it embeds in build/notices.ts`,
    );
  const [name, range] = grammars[0]!;
  return `${name}@${range.replace(/^[\^~=]/, "")}`;
}

/** One component per grammar weft embeds: the @ast-grep/lang-* package and its upstream grammar, or a grammar built into the addon. */
export function grammarComponents(languages: readonly LanguageSpec[] = LANGUAGES): Component[] {
  const out = new Map<string, Component>();
  const builtinLangs = new Map<string, string[]>();
  for (const lang of languages) {
    const g = lang.grammar;
    if (!g) continue;
    // The same language is also compiled into @ast-grep/napi (the oracle), which the binary embeds.
    if (g.napiLang) {
      const spec = BUILTIN_GRAMMARS[g.napiLang];
      if (!spec)
        throw new BuildError(`notices: no upstream grammar recorded for built-in ${g.napiLang} in build/notices.ts`);
      const langs = [...(builtinLangs.get(spec) ?? []), lang.name];
      builtinLangs.set(spec, langs);
      out.set(spec, {
        name: spec.slice(0, spec.lastIndexOf("@")),
        role: `grammar of ${langs.join(", ")}, compiled into @ast-grep/napi`,
        license: "MIT",
        source: { kind: "npm", spec },
      });
    }
    const dir = packageDir(g.pkg);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      version: string;
      license?: string;
    };
    out.set(g.pkg, {
      name: `${g.pkg} ${manifest.version}`,
      role: `packages the ${lang.name} parser (prebuilt parser.so)`,
      // The package says ISC in package.json but ships the MIT text as LICENSE: the text is what is shipped.
      license: "MIT",
      source: { kind: "installed", pkg: g.pkg },
    });
    const spec = upstreamGrammar(g.pkg);
    out.set(spec, {
      name: spec.slice(0, spec.lastIndexOf("@")),
      role: `the ${lang.name} grammar the parser is generated from (${spec})`,
      license: "see below",
      source: { kind: "npm", spec: LICENSE_FROM[spec] ?? spec },
    });
  }
  return [...out.values()];
}

/** The vendored file of an npm package's license. */
export function vendoredPath(spec: string): string {
  return join(VENDORED_DIR, `${spec.replace(/\//g, "__")}.txt`);
}

function licenseFileIn(dir: string): string | undefined {
  const file = readdirSync(dir)
    .filter((f) => /^(licen[cs]e|copying)([-.][\w.-]+)?$/i.test(f))
    .sort()[0];
  return file && join(dir, file);
}

/** The license text of one component; a build error naming what is missing. */
export function licenseText(c: Component): string {
  const s = c.source;
  let path: string | undefined;
  if (s.kind === "installed") {
    const dir = packageDir(s.pkg);
    path = s.file ? join(dir, s.file) : licenseFileIn(dir);
    if (!path || !existsSync(path))
      throw new BuildError(`notices: ${s.pkg} has no license file${s.file ? ` ${s.file}` : ""}`);
  } else if (s.kind === "npm") {
    path = vendoredPath(s.spec);
    if (!existsSync(path))
      throw new BuildError(
        `notices: ${path} is missing; run \`bun build/notices.ts --fetch\` to vendor ${s.spec}'s license`,
      );
  } else {
    path = join(VENDORED_DIR, s.file);
    if (!existsSync(path)) throw new BuildError(`notices: ${path} is missing (${s.origin})`);
  }
  return readFileSync(path, "utf8").replace(/\r\n/g, "\n").trimEnd();
}

/** The npm package a bundled file belongs to ("node_modules/@a/b/x.js" -> "@a/b"), or undefined outside node_modules. */
export function packageOfPath(path: string): string | undefined {
  const parts = path.split(/[\\/]/);
  const at = parts.lastIndexOf("node_modules");
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const first = parts[at + 1]!;
  return first.startsWith("@") ? `${first}/${parts[at + 2] ?? ""}` : first;
}

/**
 * The packages among a bundle's input files that no component stands for: each is embedded
 * without a notice, which the build refuses (add it to COMPONENTS).
 */
export function uncoveredPackages(
  inputs: readonly string[],
  components: readonly Component[] = allComponents(),
): string[] {
  const names = new Set<string>();
  const prefixes: string[] = [];
  for (const c of components) {
    if (c.source.kind === "installed") names.add(c.source.pkg);
    for (const p of c.packages ?? [])
      if (p.endsWith("*")) prefixes.push(p.slice(0, -1));
      else names.add(p);
  }
  const found = new Set(inputs.flatMap((i) => packageOfPath(i) ?? []));
  return [...found].filter((p) => !names.has(p) && !prefixes.some((x) => p.startsWith(x))).sort();
}

/** Every component, the fixed list first, then the grammars. */
export function allComponents(): Component[] {
  return [...COMPONENTS, ...grammarComponents()];
}

/** The THIRD-PARTY-NOTICES text: a table of contents, then each component's license text. */
export function renderNotices(components: readonly Component[] = allComponents()): string {
  const rule = "-".repeat(78);
  const head = [
    "weft: third-party notices",
    "",
    "A weft binary embeds the following software. Each one's license text follows the list.",
    "",
    ...components.map((c, i) => `${String(i + 1).padStart(3)}. ${c.name}: ${c.role}`),
  ];
  const bodies = components.map((c, i) => {
    const origin =
      c.source.kind === "npm"
        ? `License text from the npm package ${c.source.spec}.`
        : c.source.kind === "file"
          ? `License text from ${c.source.origin}.`
          : `License text from the npm package ${c.source.pkg}.`;
    return [
      rule,
      `${i + 1}. ${c.name}`,
      `License: ${c.license === "see below" ? "as stated below" : c.license}. ${origin}`,
      "",
      licenseText(c),
    ].join("\n");
  });
  return `${[head.join("\n"), ...bodies].join("\n\n")}\n`;
}

/** Vendors the license file of every npm-sourced component that is not vendored yet (`npm pack`, needs the registry). */
function fetchMissing(): void {
  const specs = [...new Set(allComponents().flatMap((c) => (c.source.kind === "npm" ? [c.source.spec] : [])))];
  const failed: string[] = [];
  for (const spec of specs) {
    const dest = vendoredPath(spec);
    if (existsSync(dest)) continue;
    const tmp = mkdtempSync(join(tmpdir(), "weft-notice-"));
    try {
      const pack = Bun.spawnSync(["npm", "pack", "--silent", spec], { cwd: tmp, stdout: "pipe", stderr: "pipe" });
      if (pack.exitCode !== 0) throw new BuildError(`npm pack ${spec} failed: ${pack.stderr.toString().trim()}`);
      const tgz = pack.stdout.toString().trim().split("\n").pop()!;
      const untar = Bun.spawnSync(["tar", "-xzf", tgz, "--wildcards", "package/[Ll][Ii][Cc]*", "package/COPYING*"], {
        cwd: tmp,
        stderr: "pipe",
      });
      const file = existsSync(join(tmp, "package")) ? licenseFileIn(join(tmp, "package")) : undefined;
      if (!file)
        throw new BuildError(`${spec}: the npm package has no LICENSE file (${untar.stderr.toString().trim()})`);
      writeFileSync(dest, readFileSync(file));
      console.log(`vendored ${spec} -> ${dest.slice(ROOT.length + 1)}`);
    } catch (err) {
      failed.push((err as Error).message);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  if (failed.length > 0) throw new BuildError(failed.join("\n"));
}

if (import.meta.main) {
  try {
    if (process.argv.includes("--fetch")) fetchMissing();
    else process.stdout.write(renderNotices());
  } catch (err) {
    if (!(err instanceof BuildError)) throw err;
    console.error(`notices: ${err.message}`);
    process.exit(1);
  }
}
