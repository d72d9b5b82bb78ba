import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_MAX_FILE_SIZE } from "../../src/discover/args.ts";
import { discover } from "../../src/discover/discover.ts";
import { loadParsers } from "../../src/languages/registry.ts";
import type { DiscoveredFile, DiscoveryOptions } from "../../src/model/file.ts";
import { grammarLanguages } from "../../src/languages/table.ts";

const repo = join(import.meta.dir, "../..");

/**
 * A small tree of real files in a fresh temp dir: weft's own TypeScript, a bundled JS library, short
 * Python/Go/Rust/Markdown/JSON sources, and edge cases (empty, CRLF, non-ASCII, invalid UTF-8, 200 KB).
 */
export function fixtureTree(): string {
  const dir = mkdtempSync(join(tmpdir(), "weft-exec-"));
  mkdirSync(join(dir, "ts"));
  mkdirSync(join(dir, "misc"));
  for (const f of [
    "src/execute/pool.ts",
    "src/execute/worker.ts",
    "src/model/chunk.ts",
    "src/languages/cache.ts",
    "src/cli.ts",
  ]) {
    copyFileSync(join(repo, f), join(dir, "ts", f.replaceAll("/", "_")));
  }
  copyFileSync(join(repo, "node_modules/citty/dist/index.mjs"), join(dir, "misc/citty.mjs"));
  writeFileSync(
    join(dir, "misc/app.py"),
    `import os\n\n\nclass Greeter:\n    """Says hello."""\n\n    def __init__(self, name: str) -> None:\n        self.name = name\n\n    def greet(self) -> str:\n        return f"hello {self.name}"\n\n\ndef main() -> None:\n    print(Greeter(os.environ.get("USER", "world")).greet())\n`,
  );
  writeFileSync(
    join(dir, "misc/server.go"),
    `package main\n\nimport "fmt"\n\ntype Server struct{ Port int }\n\nfunc (s *Server) Addr() string {\n\treturn fmt.Sprintf(":%d", s.Port)\n}\n\nfunc main() {\n\tfmt.Println((&Server{Port: 8080}).Addr())\n}\n`,
  );
  writeFileSync(
    join(dir, "misc/lib.rs"),
    `pub struct Stack<T> { items: Vec<T> }\n\nimpl<T> Stack<T> {\n    pub fn push(&mut self, t: T) { self.items.push(t); }\n    pub fn pop(&mut self) -> Option<T> { self.items.pop() }\n}\n`,
  );
  writeFileSync(join(dir, "misc/README.md"), `# Title\n\nSome text.\n\n## Section\n\n- a\n- b\n`);
  writeFileSync(join(dir, "misc/data.json"), JSON.stringify({ a: [1, 2, 3], b: { c: "d" } }, null, 2));
  writeFileSync(join(dir, "misc/empty.py"), "");
  writeFileSync(join(dir, "misc/crlf.py"), "def a():\r\n    return 1\r\n\r\ndef b():\r\n    return 2\r\n");
  writeFileSync(join(dir, "misc/unicode.py"), "def grüße(名前):\n    return f'こんにちは {名前} 🎉'\n");
  writeFileSync(join(dir, "misc/latin1.txt"), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0xff, 0xfe]));
  // Python in Latin-1 with CRLF, and long enough to be cut into several chunks.
  writeFileSync(
    join(dir, "misc/legacy.py"),
    Buffer.from(
      Array.from(
        { length: 60 },
        (_, i) => `def caf\xe9_${i}(x):\r\n    return "na\xefve \xa9 ${"\xe9".repeat(i)}"\r\n`,
      ).join("\r\n"),
      "latin1",
    ),
  );
  writeFileSync(
    join(dir, "misc/big.py"),
    Array.from({ length: 4000 }, (_, i) => `def f${i}(x):\n    return x * ${i} + len("${"y".repeat(i % 20)}")\n`).join(
      "\n",
    ),
  );
  return dir;
}

/**
 * Registers every grammar in this test process. ast-grep allows one registration per process and
 * `bun test` runs all test files in one process: an executor registering only its run's languages
 * first would make a later test that needs every grammar fail.
 */
export function registerAllGrammars(): void {
  loadParsers(grammarLanguages().map((l) => l.id));
}

/** Discovery options as `weft chunk PATHS` would build them with default flags. */
export function discoveryFor(paths: readonly string[]): DiscoveryOptions {
  return {
    paths: [...paths],
    listed: [],
    cwd: process.cwd(),
    ignoreFiles: true,
    hidden: false,
    follow: false,
    include: [],
    exclude: [],
    languages: [],
    map: {},
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
    skipMinified: true,
    checkContent: true,
  };
}

/** The files `weft chunk PATHS` would chunk, with default flags. */
export function discoverFiles(paths: readonly string[]): DiscoveredFile[] {
  return discover(discoveryFor(paths)).files;
}
