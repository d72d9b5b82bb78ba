// A Bun Worker of the corpus oracle test: compares the reader's tree with @ast-grep/napi's for
// the files it is given, so the corpus is checked on every core.
import { compareWithOracle } from "../../../diagnostics/oracle/compareTrees.ts";
import { registerOracle } from "../../../src/languages/oracle.ts";
import { grammarLanguages } from "../../../src/languages/table.ts";
import { FLAG, flagsOf } from "../../../src/tree/flatTree.ts";
import { parseTree } from "../../../src/tree/parseTree.ts";
import { readFileSync } from "node:fs";

declare const self: Worker;

/** What the worker reports back: counts and every mismatch, by path. */
export type OracleReport = { compared: number; withErrors: number; nodes: number; mismatches: string[] };

self.onmessage = (e: MessageEvent<{ root: string; files: [string, string][] }>) => {
  registerOracle(grammarLanguages().map((l) => l.id));
  const report: OracleReport = { compared: 0, withErrors: 0, nodes: 0, mismatches: [] };
  const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
  for (const [path, language] of e.data.files) {
    let text = utf8.decode(readFileSync(`${e.data.root}/${path}`));
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (flagsOf(parseTree(language, text), 0) & FLAG.hasError) {
      report.withErrors++;
      continue;
    }
    const c = compareWithOracle(language, text);
    report.compared++;
    report.nodes += c.nodes;
    if (c.mismatch) report.mismatches.push(`${path}: ${c.mismatch}`);
  }
  self.postMessage(report);
};
