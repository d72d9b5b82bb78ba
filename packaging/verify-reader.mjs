// Checks a weft binary reads its syntax trees through its tree reader, on the machine it runs on
// (.ci/run for linux-arm64 under qemu, the release workflow on each platform's runner). Plain
// Node.js, no dependencies:
//   node packaging/verify-reader.mjs tree <dir>          writes a small tree of grammar files
//   node packaging/verify-reader.mjs check <languages.json> <chunks.jsonl> <summary.json> <label>
// `check` fails unless `weft languages --json` says every grammar loads through the pinned
// runtime with an ABI in its range, and the chunks and summary of `weft chunk <dir>` say every
// file was chunked semantically with nothing degraded.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const FILES = {
  "app.py": "import os\n\n\ndef main():\n    return os.getcwd()\n",
  "lib.ts": "export function add(a: number, b: number): number {\n  return a + b;\n}\n",
  "main.go": "package main\n\nfunc main() {}\n",
  "site.css": ".card {\n  display: flex;\n}\n",
};

const [command, ...args] = process.argv.slice(2);
if (command === "tree") {
  mkdirSync(args[0], { recursive: true });
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(args[0], name), text);
} else if (command === "check") {
  const [languagesFile, chunksFile, summaryFile, label] = args;
  const { runtime } = JSON.parse(
    readFileSync(join(dirname(fileURLToPath(import.meta.url)), "cross", "reader.json"), "utf8"),
  );
  const problems = [];
  for (const row of JSON.parse(readFileSync(languagesFile, "utf8"))) {
    if (row.parser === "none" || row.status === "unavailable") continue;
    if (row.status !== "ok" || row.runtime !== runtime || !(row.abi >= 13 && row.abi <= 15))
      problems.push(`${row.id}: ${row.status}, runtime ${row.runtime}, ABI ${row.abi}${row.error ? `: ${row.error}` : ""}`);
  }
  const strategies = new Map();
  for (const line of readFileSync(chunksFile, "utf8").trim().split("\n")) {
    const chunk = JSON.parse(line);
    strategies.set(chunk.path.split(/[\\/]/).pop(), chunk.strategy);
  }
  for (const name of Object.keys(FILES))
    if (strategies.get(name) !== "semantic") problems.push(`${name}: chunked ${strategies.get(name) ?? "not at all"}`);
  const summary = JSON.parse(readFileSync(summaryFile, "utf8"));
  if (summary.degraded !== 0 || summary.exitCode !== 0)
    problems.push(`summary: ${summary.degraded} degraded, exit code ${summary.exitCode}`);
  if (problems.length > 0) {
    console.error(`${label}: the tree reader does not work as it should:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`${label}: every grammar loads through ${runtime}; ${strategies.size} files chunked semantically`);
} else {
  console.error("usage: node packaging/verify-reader.mjs tree <dir> | check <languages.json> <chunks.jsonl> <summary.json> <label>");
  process.exit(2);
}
