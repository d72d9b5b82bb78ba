import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectByName } from "../../src/discover/detect.ts";
import type { DiscoveredFile } from "../../src/model/file.ts";

/** What a fixture must come out as: chunked, skipped (with this reason) or failed (at this stage). */
export type Expected =
  { status: "chunked" } | { status: "skipped"; reason: string } | { status: "failed"; stage: string };

/** A file embedded in the binary (as text), written to a temporary directory for each smoke run. */
type Fixture = { path: string; content: string | Uint8Array; expect: Expected };

const chunked: Expected = { status: "chunked" };

const FIXTURES: readonly Fixture[] = [
  {
    path: "app/models.py",
    expect: chunked,
    content: `"""Inventory models."""
from dataclasses import dataclass


@dataclass
class Item:
    name: str
    price: float

    def total(self, qty: int) -> float:
        return self.price * qty


def cheapest(items: list[Item]) -> Item | None:
    return min(items, key=lambda i: i.price, default=None)
`,
  },
  {
    path: "web/src/cart.ts",
    expect: chunked,
    content: `export interface Line { sku: string; qty: number; price: number }

export class Cart {
  private lines: Line[] = [];

  add(line: Line): void {
    this.lines.push(line);
  }

  total(): number {
    return this.lines.reduce((sum, l) => sum + l.qty * l.price, 0);
  }
}

export const formatPrice = (n: number): string => \`€\${n.toFixed(2)}\`;
`,
  },
  {
    path: "web/src/legacy.js",
    expect: chunked,
    content: `function debounce(fn, ms) {
  let t;
  return function (...args) {
    clearTimeout(t);
    t = setTimeout(() => fn.apply(this, args), ms);
  };
}

module.exports = { debounce };
`,
  },
  {
    path: "svc/main.go",
    expect: chunked,
    content: `package main

import "fmt"

type Server struct{ Port int }

func (s *Server) Addr() string { return fmt.Sprintf(":%d", s.Port) }

func main() {
	s := &Server{Port: 8080}
	fmt.Println("listening on", s.Addr())
}
`,
  },
  {
    path: "core/src/lib.rs",
    expect: chunked,
    content: `/// A token with its byte span.
pub struct Token<'a> {
    pub text: &'a str,
    pub start: usize,
}

impl<'a> Token<'a> {
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }
}

pub fn split(s: &str) -> Vec<Token<'_>> {
    s.split_whitespace().map(|t| Token { text: t, start: 0 }).collect()
}
`,
  },
  {
    path: "lib/greeter.rb",
    expect: chunked,
    content: `module Greeter
  class Hello
    def initialize(name)
      @name = name
    end

    def call
      "Hello, #{@name}! 👋"
    end
  end
end
`,
  },
  {
    path: "docs/README.md",
    expect: chunked,
    content: `# Inventory 🧵

Tracks items and carts. 日本語の説明もあります。

## Usage

\`\`\`sh
make run
\`\`\`
`,
  },
  {
    path: "config/settings.json",
    expect: chunked,
    content: `{\n  "name": "inventory",\n  "ports": [8080, 8443],\n  "debug": false\n}\n`,
  },
  { path: "notes.txt", expect: chunked, content: "Plain text without a grammar.\nSecond line.\n" },
  // Latin-1 bytes: not UTF-8, chunked with each invalid byte listed (invalid_utf8), so the bytes rebuild exactly.
  {
    path: "legacy/latin1.c",
    expect: chunked,
    content: new Uint8Array([0x2f, 0x2a, 0x20, 0xe9, 0x74, 0xe9, 0x20, 0x2a, 0x2f, 0x0a]),
  },
];

/** Discovered but gone before it is read (a race every real run can meet): skipped as not-found, as discovery would. */
const VANISHED = { path: "app/vanished.py", expect: { status: "skipped", reason: "not-found" } as Expected };
/** Discovered as a file, a directory when it is read: neither gone nor forbidden, so it must fail at "read" (EISDIR). */
const REPLACED = { path: "app/replaced.py", expect: { status: "failed", stage: "read" } as Expected };

/** A fixture tree on disk: the discovered files in index order, and what each must become. */
export type FixtureSet = {
  root: string;
  files: DiscoveredFile[];
  expected: Map<number, Expected>;
  texts: Map<number, Uint8Array>;
  dispose(): void;
};

/**
 * Writes the embedded fixtures to a fresh temporary directory and numbers them like discovery does.
 * Throws when no temporary directory can be made (the executor checks then fail, saying so).
 */
export function writeFixtures(): FixtureSet {
  const root = mkdtempSync(join(tmpdir(), "weft-diagnose-"));
  const all = [...FIXTURES, { ...VANISHED, content: "" }, { ...REPLACED, content: "" }].sort((a, b) =>
    a.path < b.path ? -1 : 1,
  );
  const files: DiscoveredFile[] = [];
  const expected = new Map<number, Expected>();
  const texts = new Map<number, Uint8Array>();
  all.forEach((f, index) => {
    const absPath = join(root, f.path);
    const bytes = typeof f.content === "string" ? new TextEncoder().encode(f.content) : f.content;
    if (f.path === REPLACED.path) mkdirSync(absPath, { recursive: true });
    else if (f.path !== VANISHED.path) {
      mkdirSync(join(absPath, ".."), { recursive: true });
      writeFileSync(absPath, bytes);
    }
    const lang = detectByName(f.path);
    files.push({
      index,
      path: f.path,
      absPath,
      language: lang?.language ?? "text",
      languageSource: lang?.source ?? "default",
      size: bytes.length,
    });
    expected.set(index, f.expect);
    texts.set(index, bytes);
  });
  return { root, files, expected, texts, dispose: () => rmSync(root, { recursive: true, force: true }) };
}
