import type { Summary } from "./stability.ts";
import { figures, type Task } from "./task.ts";

/** A performance target and whether this run met it (undefined: could not be measured). */
export type Target = { name: string; value: string; threshold: string; pass: boolean | undefined };

/** Issue 22: weft's throughput as a share of parse-only's at the same worker count (default options). */
const MIN_RATIO = 0.75;
/** Issue 22: the same with --tokenizer bytes (no token counting), at the most workers. */
const MIN_RATIO_BYTES = 0.85;
/** Issue 22: CPU of the run at the most workers over the inline run's (the workers' own overhead). */
const MAX_WORKER_CPU = 1.05;
/** weft's inline -> N speedup as a share of parse-only's 1 -> N speedup (issue 5). */
const MIN_SPEEDUP_SHARE = 0.9;
const MAX_VERSION_MS = 50;
/** Issue 22: peak RSS at the most workers, default options, on the corpus. */
const MAX_RSS_BYTES = 250e6;
/** Issue 22: growing by more than this from 1x to the largest copy of the corpus is not streaming. */
const MAX_RSS_GROWTH = 1.05;
/** Issue 16: a re-run with a warm chunk cache (and one changed file, plus that file's own cost) vs the cold run. */
const MAX_CACHE_SHARE = 0.05;

/** Labels of the cache section's tasks (run.ts builds them; the targets find them by these). */
export const CACHE_LABELS = {
  none: "weft without --cache (what the cache adds to a cold run)",
  cold: "weft --cache, cold (empty cache)",
  warm: "weft --cache, warm, unchanged corpus",
  changed: "weft --cache, warm, one file changed",
  own: "weft chunk of the changed file alone (its own cost)",
} as const;

/** The parse-only task a weft task is compared with: same files, same worker count (default flags: the most workers). */
export function matchingParse(t: Task, pool: readonly Task[], maxWorkers: number): Task | undefined {
  const workers = t.workers === "default" ? maxWorkers : t.workers;
  return pool.find((p) => p.tool === "parse" && p.group === t.group && p.scale === t.scale && p.workers === workers);
}

const ok = (t: Task | undefined): t is Task => t !== undefined && t.status === "ok" && t.samples.length > 0;
const why = (t: Task | undefined) =>
  t === undefined ? "not measured" : t.status === "unsupported" ? "not supported by this binary" : "failed";

/** Checks every target against the measured tasks. */
export function evaluateTargets(all: readonly Task[], o: { maxWorkers: number; scales: readonly number[] }): Target[] {
  const targets: Target[] = [];
  const throughput = all.filter((t) => t.section === "throughput");
  for (const w of throughput.filter((t) => t.tool === "weft" && t.output === "null")) {
    const bytes = w.tokenizer === "bytes";
    if (bytes && w.workers === "inline") continue; // in the table; issue 22 sets no target for it
    const min = bytes ? MIN_RATIO_BYTES : MIN_RATIO;
    const p = matchingParse(w, throughput, o.maxWorkers);
    const name = `throughput ${w.label.replace(" > /dev/null", "")} vs parse-only ${p?.label.replace("parse-only ", "") ?? "?"}`;
    if (!ok(w) || !ok(p)) {
      targets.push({
        name,
        value: !ok(w) ? `weft ${why(w)}` : `parse-only ${why(p)}`,
        threshold: `>= ${min}x`,
        pass: w.status === "failed" ? false : undefined,
      });
      continue;
    }
    const ratio = figures(p).wall.median / figures(w).wall.median;
    const byCpu = figures(p).cpu.median / figures(w).cpu.median;
    targets.push({
      name,
      value: `${ratio.toFixed(2)}x (${figures(w).mbPerSec.toFixed(1)} vs ${figures(p).mbPerSec.toFixed(1)} MB/s; by CPU ${byCpu.toFixed(2)}x)`,
      threshold: `>= ${min}x`,
      pass: ratio >= min,
    });
  }

  const inlineRun = throughput.find(
    (t) => t.tool === "weft" && t.workers === "inline" && t.tokenizer !== "bytes" && t.output === "null",
  );
  const workerRun = throughput.find(
    (t) => t.tool === "weft" && t.workers === o.maxWorkers && t.tokenizer !== "bytes" && t.output === "null",
  );
  if (o.maxWorkers > 1 && inlineRun && workerRun) {
    const name = `CPU of weft at ${o.maxWorkers} workers vs inline (default options)`;
    const threshold = `<= ${MAX_WORKER_CPU}x`;
    if (ok(inlineRun) && ok(workerRun)) {
      const r = figures(workerRun).cpu.median / figures(inlineRun).cpu.median;
      targets.push({
        name,
        value: `${r.toFixed(2)}x (${(figures(workerRun).cpu.median / 1000).toFixed(1)} vs ${(figures(inlineRun).cpu.median / 1000).toFixed(1)} s)`,
        threshold,
        pass: r <= MAX_WORKER_CPU,
      });
    } else targets.push({ name, value: why(ok(inlineRun) ? workerRun : inlineRun), threshold, pass: undefined });
  }

  const at = (tool: Task["tool"], workers: Task["workers"]) =>
    throughput.find((t) => t.tool === tool && t.workers === workers && t.output === "null");
  if (o.maxWorkers > 1) {
    const [wi, wn, p1, pn] = [
      at("weft", "inline"),
      at("weft", o.maxWorkers),
      at("parse", 1),
      at("parse", o.maxWorkers),
    ];
    const name = `speedup weft inline -> ${o.maxWorkers} workers vs parse-only 1 -> ${o.maxWorkers}`;
    const threshold = `>= ${MIN_SPEEDUP_SHARE * 100}%`;
    if (!ok(wi) || !ok(wn) || !ok(p1) || !ok(pn)) {
      const missing: (Task | undefined)[] = [wi, wn, p1, pn].filter((t) => !ok(t));
      targets.push({
        name,
        value: missing.map((t) => `${t?.label ?? "a run"}: ${why(t)}`).join("; "),
        threshold,
        pass: undefined,
      });
    } else {
      const weft = figures(wi).wall.median / figures(wn).wall.median;
      const parse = figures(p1).wall.median / figures(pn).wall.median;
      targets.push({
        name,
        value: `${weft.toFixed(2)}x vs ${parse.toFixed(2)}x = ${((weft / parse) * 100).toFixed(0)}%`,
        threshold,
        pass: weft / parse >= MIN_SPEEDUP_SHARE,
      });
    }
  }

  const version = all.find((t) => t.section === "startup" && t.label === "weft --version");
  if (version) {
    const ms = figures(version).wall.median;
    targets.push({
      name: "weft --version",
      value: ok(version) ? `${ms.toFixed(1)} ms median` : why(version),
      threshold: `< ${MAX_VERSION_MS} ms`,
      pass: ok(version) ? ms < MAX_VERSION_MS : false,
    });
  }

  // Issue 7's memory target is for default options; every configuration's peak is in the tables.
  const byDefault = throughput.filter((t) => t.tool === "weft" && t.workers === "default" && ok(t));
  if (byDefault.length > 0) {
    const rss = Math.max(...byDefault.map((t) => figures(t).maxRss));
    targets.push({
      name: "peak RSS of weft on the whole corpus, default options (highest of the reps)",
      value: `${(rss / 1e6).toFixed(0)} MB`,
      threshold: `< ${MAX_RSS_BYTES / 1e6} MB`,
      pass: rss < MAX_RSS_BYTES,
    });
  }

  // One peak is the worst moment of a run (two big files' trees at once), so a single sample per
  // scale says more about luck than growth: the medians of each scale's per-rep peaks are compared.
  const scaling = all.filter((t) => t.section === "scaling" && t.tool === "weft");
  const lo = scaling.find((t) => t.scale === Math.min(...o.scales));
  const hi = scaling.find((t) => t.scale === Math.max(...o.scales));
  if (lo && hi && lo !== hi) {
    const name = `peak RSS growth from ${lo.scale}x to ${hi.scale}x corpus (streaming; medians of per-rep peaks)`;
    if (ok(lo) && ok(hi)) {
      const growth = figures(hi).medianRss / figures(lo).medianRss;
      targets.push({
        name,
        value: `${growth.toFixed(2)}x (${(figures(lo).medianRss / 1e6).toFixed(0)} -> ${(figures(hi).medianRss / 1e6).toFixed(0)} MB)`,
        threshold: `<= ${MAX_RSS_GROWTH}x`,
        pass: growth <= MAX_RSS_GROWTH,
      });
    } else targets.push({ name, value: why(ok(lo) ? hi : lo), threshold: `<= ${MAX_RSS_GROWTH}x`, pass: undefined });
  }
  targets.push(...cacheTargets(all));
  return targets;
}

/** Issue 16, point 3: median chunks changed per changed definition, per packing. */
const MAX_CHANGED_PER_DEFINITION = 1.5;

/**
 * The edit-stability targets: each packing's median of chunks changed per changed definition
 * (<= 1.5), and the realigning packing changing strictly fewer chunks in total than greedy.
 */
export function stabilityTargets(s: Summary): Target[] {
  const { greedy, anchored } = s.packings;
  const median = (name: string, p: Summary["packings"]["greedy"]): Target => ({
    name: `edit stability, ${name}: chunks changed per changed definition, median over ${s.withDefinitions} files`,
    value: `${p.medianRatio.toFixed(2)} (mean ${p.meanRatio.toFixed(2)}, total ${p.totalRatio.toFixed(2)})`,
    threshold: `<= ${MAX_CHANGED_PER_DEFINITION}`,
    pass: s.withDefinitions > 0 ? p.medianRatio <= MAX_CHANGED_PER_DEFINITION : undefined,
  });
  return [
    median("greedy (default)", greedy),
    median("anchored", anchored),
    {
      name: `edit stability: changed chunks, anchored vs greedy, ${s.files} changed files`,
      value: `${anchored.changedChunks} vs ${greedy.changedChunks}`,
      threshold: "strictly fewer",
      pass: s.files > 0 ? anchored.changedChunks < greedy.changedChunks : undefined,
    },
  ];
}

/** Issue 16's targets: warm <= 5% of cold; one changed file <= 5% of cold + that file's own cost (medians, wall). */
function cacheTargets(all: readonly Task[]): Target[] {
  const find = (label: string) => all.find((t) => t.section === "cache" && t.label === label);
  const [cold, warm, changed, own] = [
    find(CACHE_LABELS.cold),
    find(CACHE_LABELS.warm),
    find(CACHE_LABELS.changed),
    find(CACHE_LABELS.own),
  ];
  if (!cold) return [];
  const median = (t: Task) => figures(t).wall.median;
  const out: Target[] = [];
  const share = `<= ${MAX_CACHE_SHARE * 100}% of cold`;
  const warmName = "re-run, warm cache, unchanged corpus";
  if (ok(cold) && ok(warm)) {
    const r = median(warm) / median(cold);
    out.push({
      name: warmName,
      value: `${(r * 100).toFixed(1)}% (${(median(warm) / 1000).toFixed(2)} s vs ${(median(cold) / 1000).toFixed(2)} s; by CPU ${((figures(warm).cpu.median / figures(cold).cpu.median) * 100).toFixed(1)}%)`,
      threshold: share,
      pass: r <= MAX_CACHE_SHARE,
    });
  } else out.push({ name: warmName, value: why(ok(cold) ? warm : cold), threshold: share, pass: undefined });
  const changedName = "re-run, warm cache, one file changed";
  const bound = `<= ${MAX_CACHE_SHARE * 100}% of cold + the file's own cost`;
  if (ok(cold) && ok(changed) && ok(own)) {
    const limit = MAX_CACHE_SHARE * median(cold) + median(own);
    out.push({
      name: changedName,
      value: `${(median(changed) / 1000).toFixed(2)} s vs ${(limit / 1000).toFixed(2)} s allowed (${((median(changed) / median(cold)) * 100).toFixed(1)}% of cold; the file alone ${(median(own) / 1000).toFixed(2)} s)`,
      threshold: bound,
      pass: median(changed) <= limit,
    });
  } else
    out.push({
      name: changedName,
      value: why([cold, changed, own].find((t) => !ok(t))),
      threshold: bound,
      pass: undefined,
    });
  return out;
}
