import { discoveryOptions } from "../../src/discover/args.ts";
import { discover } from "../../src/discover/discover.ts";
import type { Executor } from "../../src/execute/executor.ts";
import { createInlineExecutor } from "../../src/execute/inline.ts";
import { createPool } from "../../src/execute/pool.ts";
import type { Check } from "../../src/model/diagnosis.ts";
import type { DiscoveredFile, SkipRecord } from "../../src/model/file.ts";
import { DEFAULT_GOVERNOR } from "../../src/model/governor.ts";
import type { FileResult } from "../../src/model/result.ts";
import { runCheck, verdict } from "../check.ts";
import { firstDifference } from "../clone/compare.ts";

/** At most `limit` files spread evenly over the sorted list, so a sample sees the whole tree, not one corner. */
export function spreadSample<T>(items: readonly T[], limit: number): T[] {
  if (items.length <= limit) return [...items];
  return Array.from({ length: limit }, (_, i) => items[Math.floor((i * items.length) / limit)]!);
}

/** "3 left out by discovery: 2 binary, 1 too-large". */
function leftOut(skipped: readonly SkipRecord[]): string {
  const by = new Map<string, number>();
  for (const s of skipped) by.set(s.reason, (by.get(s.reason) ?? 0) + 1);
  return `${skipped.length} left out by discovery: ${[...by].map(([r, n]) => `${n} ${r}`).join(", ")}`;
}

async function runAll(exec: Executor, files: readonly DiscoveredFile[]): Promise<FileResult[]> {
  const out: FileResult[] = [];
  try {
    await exec.run(files, DEFAULT_GOVERNOR, (r) => void out.push(r));
  } finally {
    await exec.close();
  }
  return out;
}

/**
 * `--path DIR`: chunks a bounded sample of the user's own files with the worker pool and inline,
 * and reports every file whose results differ (with the first differing field).
 */
export async function pathChecks(dir: string, limit: number, workers = 2): Promise<Check[]> {
  return [
    await runCheck("path.worker-vs-inline", "path", async () => {
      // The same discovery `weft chunk DIR` runs with its defaults (ignore files, no hidden files, size limit).
      const { files: all, skipped } = discover(discoveryOptions({ paths: [dir] }));
      const files = spreadSample(all, limit);
      if (files.length === 0)
        return {
          status: "skip",
          detail: `no files to chunk under ${dir}${skipped.length > 0 ? `; ${leftOut(skipped)}` : ""}`,
        };
      const inline = await runAll(createInlineExecutor(), files);
      const pooled = await runAll(createPool({ workers }), files);
      const problems: string[] = [];
      files.forEach((f, i) => {
        const a = inline[i];
        const b = pooled[i];
        if (!a || !b) {
          problems.push(`${f.path}: no result from ${a ? "the pool" : "inline"}`);
          return;
        }
        const d = firstDifference(a, b);
        if (d) problems.push(`${f.path}: ${d.path} ${d.how} (inline -> worker)`);
      });
      const count = (s: string) => inline.filter((r) => r.status === s).length;
      const invalid = inline.filter((r) => r.status === "chunked" && r.chunks.some((c) => c.invalid_utf8)).length;
      const chunked = `${count("chunked")} chunked${invalid > 0 ? ` (${invalid} with invalid UTF-8, listed in invalid_utf8)` : ""}`;
      const left = skipped.length > 0 ? `; ${leftOut(skipped)}` : "";
      const sampled = files.length < all.length ? `${files.length} of ${all.length}` : `all ${files.length}`;
      return verdict(
        problems.length > 0 ? [`${problems.length} of ${files.length} files differ`, ...problems] : [],
        `${sampled} files under ${dir}: worker output identical to inline (${chunked}, ${count("skipped")} skipped, ${count("failed")} failed)${left}`,
      );
    }),
  ];
}
