/**
 * A short, realistic, syntactically valid snippet per grammar language: `weft languages` and the
 * diagnostics parse each one to prove a parser does more than load. Keep each one error-free.
 */
export const SAMPLES: Readonly<Record<string, string>> = {
  javascript: `import { readFile } from "node:fs/promises";\nexport async function load(path) {\n  const text = await readFile(path, "utf8");\n  return text.split("\\n").filter(Boolean);\n}\n`,
  typescript: `interface User { id: number; name: string }\nexport function greet(user: User): string {\n  return \`hello \${user.name}\`;\n}\n`,
  tsx: `type Props = { items: string[] };\nexport function List({ items }: Props) {\n  return <ul>{items.map((i) => <li key={i}>{i}</li>)}</ul>;\n}\n`,
  html: `<!doctype html>\n<html>\n  <body>\n    <h1 class="title">Hello</h1>\n    <p>Some <em>text</em>.</p>\n  </body>\n</html>\n`,
  css: `.card {\n  display: flex;\n  padding: 4px 8px;\n}\n@media (max-width: 600px) {\n  .card { flex-direction: column; }\n}\n`,
  angular: `<ul>\n  @for (item of items; track item.id) {\n    <li (click)="select(item)">{{ item.name }}</li>\n  }\n</ul>\n`,
  bash: `#!/bin/bash\nset -euo pipefail\nfor f in "$@"; do\n  if [ -f "$f" ]; then\n    wc -l "$f"\n  fi\ndone\n`,
  c: `#include <stdio.h>\nstatic int add(int a, int b) {\n  return a + b;\n}\nint main(void) {\n  printf("%d\\n", add(1, 2));\n  return 0;\n}\n`,
  cpp: `#include <vector>\nnamespace geo {\nclass Point {\n public:\n  Point(double x, double y) : x_(x), y_(y) {}\n  double x() const { return x_; }\n private:\n  double x_, y_;\n};\n}  // namespace geo\n`,
  csharp: `using System;\nnamespace Demo {\n  public class Greeter {\n    public string Greet(string name) => $"Hello {name}";\n  }\n}\n`,
  dart: `class Counter {\n  int value = 0;\n  void increment() {\n    value++;\n  }\n}\n\nvoid main() {\n  final c = Counter();\n  c.increment();\n  print(c.value);\n}\n`,
  elixir: `defmodule Math do\n  def sum(a, b) do\n    a + b\n  end\nend\n`,
  go: `package main\n\nimport "fmt"\n\ntype Point struct{ X, Y int }\n\nfunc (p Point) Sum() int { return p.X + p.Y }\n\nfunc main() {\n\tfmt.Println(Point{1, 2}.Sum())\n}\n`,
  haskell: `module Main where\n\nsquare :: Int -> Int\nsquare x = x * x\n\nmain :: IO ()\nmain = print (square 4)\n`,
  java: `package demo;\n\npublic class Greeter {\n  private final String name;\n  public Greeter(String name) { this.name = name; }\n  public String greet() { return "Hello " + name; }\n}\n`,
  json: `{\n  "name": "weft",\n  "version": "0.1.0",\n  "keywords": ["chunk", "ast"],\n  "private": true\n}\n`,
  kotlin: `data class User(val id: Int, val name: String)\n\nfun greet(user: User): String {\n    return "Hello \${user.name}"\n}\n`,
  lua: `local M = {}\n\nfunction M.add(a, b)\n  return a + b\nend\n\nreturn M\n`,
  markdown: `# Title\n\nSome *text* with a [link](https://example.com).\n\n- one\n- two\n`,
  php: `<?php\nnamespace App;\n\nclass Greeter {\n    public function greet(string $name): string {\n        return "Hello " . $name;\n    }\n}\n`,
  python: `import os\n\n\nclass Walker:\n    def __init__(self, root):\n        self.root = root\n\n    def files(self):\n        for name in os.listdir(self.root):\n            yield os.path.join(self.root, name)\n`,
  ruby: `module Shapes\n  class Circle\n    def initialize(r)\n      @r = r\n    end\n\n    def area\n      3.14159 * @r**2\n    end\n  end\nend\n`,
  rust: `use std::fmt;\n\npub struct Point { x: i32, y: i32 }\n\nimpl fmt::Display for Point {\n    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {\n        write!(f, "({}, {})", self.x, self.y)\n    }\n}\n`,
  scala: `object Main {\n  case class User(id: Int, name: String)\n  def greet(u: User): String = s"Hello \${u.name}"\n  def main(args: Array[String]): Unit = println(greet(User(1, "a")))\n}\n`,
  sql: `CREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  name TEXT NOT NULL\n);\n\nSELECT name FROM users WHERE id = 1;\n`,
  swift: `struct Point {\n    var x: Int\n    var y: Int\n\n    func sum() -> Int {\n        return x + y\n    }\n}\n`,
  toml: `[package]\nname = "weft"\nversion = "0.1.0"\n\n[dependencies]\nserde = { version = "1", features = ["derive"] }\n`,
  yaml: `name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: bun test\n`,
};
