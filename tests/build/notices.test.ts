// The third-party notices: generated from the component list and the language table, every text
// present, every grammar the binary embeds named with its upstream grammar's license.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { BuildError } from "../../build/error.ts";
import {
  allComponents,
  COMPONENTS,
  grammarComponents,
  licenseText,
  packageOfPath,
  renderNotices,
  uncoveredPackages,
  upstreamGrammar,
  type Component,
} from "../../build/notices.ts";
import { LANGUAGES } from "../../src/languages/table.ts";

describe("third-party notices", () => {
  const text = renderNotices();

  test("every component has a non-empty license text, in order, after the table of contents", () => {
    const components = allComponents();
    expect(components.length).toBeGreaterThan(COMPONENTS.length);
    let at = text.indexOf("-".repeat(78));
    for (const [i, c] of components.entries()) {
      const body = licenseText(c);
      expect(body.length).toBeGreaterThan(200);
      const heading = text.indexOf(`\n${i + 1}. ${c.name}\n`, at);
      expect(heading).toBeGreaterThan(at);
      expect(text.indexOf(body, heading)).toBeGreaterThan(heading);
      at = heading;
    }
  });

  test("names Bun, JavaScriptCore, the tree-sitter runtime and ast-grep", () => {
    for (const needle of ["Bun 1.4.4", "JavaScriptCore", "tree-sitter (runtime library)", "ast-grep (@ast-grep/napi)"])
      expect(text).toContain(needle);
    expect(text).toContain("GNU LESSER GENERAL PUBLIC LICENSE");
  });

  test("every grammar in the language table is covered: its package and its upstream grammar", () => {
    const names = grammarComponents().map((c) => c.name);
    for (const lang of LANGUAGES) {
      const g = lang.grammar;
      if (!g) continue;
      if (g.kind === "package") {
        expect(names.some((n) => n.startsWith(`${g.pkg} `))).toBe(true);
        const upstream = upstreamGrammar(g.pkg);
        expect(names).toContain(upstream.slice(0, upstream.lastIndexOf("@")));
      } else {
        expect(grammarComponents().some((c) => c.role.includes(lang.name) && c.role.includes("@ast-grep/napi"))).toBe(
          true,
        );
      }
    }
  });

  test("the build's check: a bundled package without a notice is named; covered ones are not", () => {
    expect(packageOfPath("/r/node_modules/@ast-grep/lang-go/prebuilds/x/parser.so")).toBe("@ast-grep/lang-go");
    expect(packageOfPath("/r/node_modules/a/node_modules/ignore/index.js")).toBe("ignore");
    expect(packageOfPath("/r/src/cli.ts")).toBeUndefined();
    const inputs = [
      "/r/src/cli.ts",
      "/r/node_modules/valibot/dist/index.js",
      "/r/node_modules/@ast-grep/napi/index.js",
      "/r/node_modules/@ast-grep/napi-linux-arm64-gnu/ast-grep-napi.linux-arm64-gnu.node",
      "/r/node_modules/@ast-grep/lang-python/prebuilds/prebuild-Linux-X64/parser.so",
    ];
    expect(uncoveredPackages(inputs)).toEqual([]);
    expect(uncoveredPackages([...inputs, "/r/node_modules/left-pad/index.js", "/r/node_modules/@x/y/z.js"])).toEqual([
      "@x/y",
      "left-pad",
    ]);
  });

  test("a license text that is not there fails the build with the command that fetches it", () => {
    const missing: Component = {
      name: "x",
      role: "y",
      license: "MIT",
      source: { kind: "npm", spec: "tree-sitter-nothing@9.9.9" },
    };
    expect(() => licenseText(missing)).toThrow(BuildError);
    expect(() => licenseText(missing)).toThrow("bun build/notices.ts --fetch");
  });

  test("the build wrote exactly these notices to dist/THIRD-PARTY-NOTICES.txt", () => {
    const file = resolve(import.meta.dir, "../../dist/THIRD-PARTY-NOTICES.txt");
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`bun run build\` first`);
    expect(readFileSync(file, "utf8")).toBe(text);
  });
});
