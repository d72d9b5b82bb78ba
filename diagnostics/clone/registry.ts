import * as v from "valibot";
import * as faultsModule from "../../src/execute/faults.ts";
import type { Fault } from "../../src/execute/faults.ts";
import * as protocol from "../../src/execute/protocol.ts";
import type { WorkerRequest, WorkerResponse } from "../../src/execute/protocol.ts";
import * as probeModule from "../../src/languages/probe.ts";
import type { ProbeEntry } from "../../src/languages/probe.ts";
import * as cacheModel from "../../src/model/cache.ts";
import type { CacheStats } from "../../src/model/cache.ts";
import * as chunkModel from "../../src/model/chunk.ts";
import type { Chunk, InvalidUtf8 } from "../../src/model/chunk.ts";
import * as diagnosisModel from "../../src/model/diagnosis.ts";
import type { Check, DiagnoseReport } from "../../src/model/diagnosis.ts";
import * as fileModel from "../../src/model/file.ts";
import type { DiscoveredFile, DiscoveryOptions, ReadLimits, Shard, SkipRecord } from "../../src/model/file.ts";
import * as governorModel from "../../src/model/governor.ts";
import type { Governor } from "../../src/model/governor.ts";
import * as resultModel from "../../src/model/result.ts";
import type { Degradation, FailureRecord, FileResult, RecoveredRegion, Recovery } from "../../src/model/result.ts";
import * as selectionModel from "../../src/model/selection.ts";
import type { Selection } from "../../src/model/selection.ts";
import * as summaryOutput from "../../src/output/summary.ts";
import type { Summary } from "../../src/output/summary.ts";

/**
 * The modules whose schemas describe values that cross a worker boundary or are written as output.
 * CLONE_REGISTRY holds samples for each of their schemas: the worker validates echoed values against
 * it, `weft diagnose` sends every sample through structuredClone and a real worker (`clone.registry`
 * checks coverage in the binary), and tests/diagnostics/clone/registry.test.ts fails when any
 * `*Schema` exported under src/, or a variant of one, has no samples and is not in NOT_CROSSING:
 * a new message type cannot escape the clone probes.
 */
export const SCHEMA_MODULES: Record<string, Record<string, unknown>> = {
  "model/cache": cacheModel,
  "model/chunk": chunkModel,
  "model/diagnosis": diagnosisModel,
  "model/file": fileModel,
  "model/governor": governorModel,
  "model/result": resultModel,
  "model/selection": selectionModel,
  "execute/protocol": protocol,
  "execute/faults": faultsModule,
  "languages/probe": probeModule,
  "output/summary": summaryOutput,
};

/**
 * Modules under src/ whose schemas describe values that never cross a worker boundary and are
 * never written as output, with the reason; every other schema in src/ must have samples here.
 */
export const NOT_CROSSING: Record<string, string> = {
  "languages/spec": "the language table is compiled into the binary; specs are never posted or written",
  "execute/choose": "a command-line option value",
  "output/formats": "a command-line option value",
};

/** What --cache did: a warm run, and one whose entries could not all be written. */
function cacheStatsSamples(): Sample<CacheStats>[] {
  const warm: CacheStats = {
    dir: `/home/${UNICODE}/.cache/weft-chunks`,
    maxBytes: 1024 ** 3,
    hits: 4289,
    misses: 1,
    written: 1,
    corrupt: 2,
    corruptFirst: `src/${UNICODE}.py: record 3 does not rebuild the file's bytes`,
    repaired: 1,
    evicted: 17,
    writeErrors: 0,
  };
  return [
    { name: "warm run", value: warm },
    { name: "write errors", value: { ...warm, writeErrors: 3, writeError: "ENOSPC: no space left on device" } },
  ];
}

/** One named example value. */
export type Sample<T = unknown> = { name: string; value: T };

/** A schema and its samples; samples are built on demand so the worker never allocates them. */
export type CloneEntry = { schema: v.GenericSchema; samples: () => Sample[] };

function entry<S extends v.GenericSchema>(schema: S, samples: () => Sample<v.InferInput<S>>[]): CloneEntry {
  return { schema, samples };
}

/** Every option of a picklist, each as a sample. */
function everyOption<T extends string>(schema: v.PicklistSchema<readonly T[], undefined>): CloneEntry {
  return entry(schema, () => schema.options.map((o) => ({ name: o, value: o })));
}

// Edge-case text: accents (composed and combining), emoji with ZWJ and skin tone, CJK, RTL, NUL,
// a lone surrogate (legal in a JS string, invalid UTF-16) and the replacement character.
const UNICODE = "naïve cafe\u0301 🧵🪡 👩🏽‍💻 日本語のコード 中文注释 한국어 שלום مرحبا \u0000nul \uFFFD";
const LONE_SURROGATE = "broken \uD800 half";
const BIG = Number.MAX_SAFE_INTEGER;
/** A text's UTF-8 bytes in shared memory. */
const sharedBytes = (text: string): SharedArrayBuffer => {
  const bytes = new TextEncoder().encode(text);
  const shared = new SharedArrayBuffer(bytes.length);
  new Uint8Array(shared).set(bytes);
  return shared;
};
const hugeText = () => 'export const thread = "🧵"; // 中文\n'.repeat(40_000); // ~1.6 MB

const file = (over: Partial<DiscoveredFile> = {}): DiscoveredFile => ({
  index: 0,
  path: "src/a.ts",
  absPath: "/repo/src/a.ts",
  language: "typescript",
  languageSource: "extension",
  size: 120,
  ...over,
});

// What `weft chunk` with no options asks discovery for.
const discovery = (over: Partial<DiscoveryOptions> = {}): DiscoveryOptions => ({
  paths: ["."],
  listed: [],
  cwd: "/repo",
  ignoreFiles: true,
  hidden: false,
  follow: false,
  include: [],
  exclude: [],
  languages: [],
  map: {},
  maxFileSize: 10 * 1024 * 1024,
  skipMinified: true,
  checkContent: true,
  ...over,
});

const chunk = (over: Partial<Chunk> = {}): Chunk => ({
  id: "0123456789abcdef",
  // sha256 of "export const x = 1"
  content_hash: "dc028dd6032008f5e4eda10ec14b3f19bde16fba657aaf2eb9f857e27a6d6dbe",
  path: "src/a.ts",
  language: "typescript",
  strategy: "semantic",
  index: 0,
  count: 1,
  byte_start: 0,
  byte_end: 18,
  line_start: 1,
  line_end: 1,
  tokens: 6,
  kinds: ["lexical_declaration"],
  symbols: ["x"],
  scope: [],
  partial: false,
  has_error: false,
  content: "export const x = 1",
  ...over,
});

/** ERROR regions of a file cut by delimiter rules. */
const RECOVERED = [{ byte_start: 120, byte_end: 2048, line_start: 9, line_end: 71, rule: "delimiter" as const }];

const chunked = (chunks: Chunk[], over: Partial<Extract<FileResult, { status: "chunked" }>> = {}): FileResult => ({
  status: "chunked",
  index: 0,
  path: "src/a.ts",
  strategy: "semantic",
  reason: "grammar typescript",
  chunks,
  ...over,
});

const manyChunks = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    chunk({
      index: i,
      count: n,
      byte_start: i * 18,
      byte_end: i * 18 + 18,
      line_start: i + 1,
      line_end: i + 1,
      symbols: [`x${i}`],
    }),
  );

const report = (): DiagnoseReport => ({
  weft: "0.1.0",
  ok: false,
  ms: 1234.5,
  checks: [
    { id: "clone.Chunk", section: "clone", status: "pass", ms: 3.25, detail: "6 samples ok" },
    {
      id: "executor.failing-file",
      section: "executor",
      status: "fail",
      ms: 0,
      detail: `lossy at $.metadata.node: SgNode -> {} ${UNICODE}`,
    },
    { id: "env.cache", section: "env", status: "skip", ms: 0.001, detail: "" },
  ],
});

export const CLONE_REGISTRY: Record<string, CloneEntry> = {
  LanguageSource: everyOption(fileModel.LanguageSourceSchema),
  SkipReason: everyOption(fileModel.SkipReasonSchema),
  TokenizerId: everyOption(governorModel.TokenizerIdSchema),
  Strategy: everyOption(selectionModel.StrategySchema),
  Stage: everyOption(resultModel.StageSchema),
  Section: everyOption(diagnosisModel.SectionSchema),
  CheckStatus: everyOption(diagnosisModel.CheckStatusSchema),

  DiscoveredFile: entry(fileModel.DiscoveredFileSchema, (): Sample<DiscoveredFile>[] => [
    { name: "typical", value: file() },
    {
      name: "empty path",
      value: file({ path: "", absPath: "", size: 0, language: "text", languageSource: "default" }),
    },
    {
      name: "unicode path",
      value: file({ path: `docs/${UNICODE}.md`, absPath: `/home/ユーザー/${UNICODE}.md`, language: "markdown" }),
    },
    { name: "lone surrogate path", value: file({ path: LONE_SURROGATE }) },
    { name: "largest values", value: file({ index: BIG, size: BIG, path: "d/".repeat(2048) + "f.ts" }) },
  ]),
  SkipRecord: entry(fileModel.SkipRecordSchema, (): Sample<SkipRecord>[] => [
    ...fileModel.SkipReasonSchema.options.map((reason) => ({
      name: reason,
      value: { path: "bin/x", reason, detail: `skipped: ${reason}` },
    })),
    { name: "empty", value: { path: "", reason: "binary", detail: "" } },
    { name: "unicode", value: { path: `${UNICODE}.png`, reason: "binary", detail: UNICODE } },
  ]),
  Shard: entry(fileModel.ShardSchema, (): Sample<Shard>[] => [
    { name: "only shard", value: { index: 1, count: 1 } },
    { name: "last of many", value: { index: 8, count: 8 } },
    { name: "largest values", value: { index: BIG, count: BIG } },
  ]),
  ReadLimits: entry(fileModel.ReadLimitsSchema, (): Sample<ReadLimits>[] => [
    { name: "defaults", value: { maxFileSize: 10 * 1024 * 1024, skipMinified: true } },
    { name: "largest, minified kept", value: { maxFileSize: BIG, skipMinified: false } },
  ]),
  DiscoveryOptions: entry(fileModel.DiscoveryOptionsSchema, (): Sample<DiscoveryOptions>[] => [
    { name: "defaults", value: discovery() },
    { name: "empty (paths from stdin, none given)", value: discovery({ paths: [], cwd: "" }) },
    {
      name: "every option set",
      value: discovery({
        paths: ["src", `${UNICODE}/lib`, LONE_SURROGATE],
        listed: Array.from({ length: 2000 }, (_, i) => `pkg/m${i}.go`),
        cwd: "/home/ユーザー/repo",
        ignoreFiles: false,
        hidden: true,
        follow: true,
        include: ["*.ts", "!**/gen/**"],
        exclude: ["vendor/", "*.min.js"],
        languages: ["python", "rust"],
        map: { tpl: "html", Jenkinsfile: "groovy", [UNICODE]: "text" },
        skipMinified: false,
        shard: { index: 2, count: 3 },
        checkContent: false,
      }),
    },
    { name: "shard present but undefined", value: discovery({ shard: undefined }) },
    // Own keys that shadow Object.prototype members must survive as plain data.
    {
      name: "map keys named like prototype members",
      value: discovery({
        map: JSON.parse('{"__proto__":"python","constructor":"go","toString":"c"}') as Record<string, string>,
      }),
    },
    { name: "largest values", value: discovery({ maxFileSize: BIG, shard: { index: BIG, count: BIG } }) },
  ]),
  Governor: entry(governorModel.GovernorSchema, (): Sample<Governor>[] => [
    { name: "default", value: governorModel.DEFAULT_GOVERNOR },
    ...governorModel.TokenizerIdSchema.options.map((tokenizer) => ({
      name: tokenizer,
      value: { maxTokens: 1, tokenizer, context: true, overlapLines: 3 },
    })),
    { name: "largest values", value: { maxTokens: BIG, tokenizer: "o200k", context: false, overlapLines: BIG } },
  ]),
  Selection: entry(selectionModel.SelectionSchema, (): Sample<Selection>[] => [
    ...selectionModel.StrategySchema.options.map((strategy) => ({
      name: strategy,
      value: { strategy, reason: `chose ${strategy}` },
    })),
    { name: "empty reason", value: { strategy: "text", reason: "" } },
    { name: "unicode reason", value: { strategy: "delimiter", reason: UNICODE } },
    {
      name: "degraded",
      value: {
        strategy: "delimiter",
        reason: "Python parser unavailable (refused): indent rules",
        degraded: `Python parser could not be loaded: ${UNICODE}`,
      },
    },
  ]),
  Chunk: entry(chunkModel.ChunkSchema, (): Sample<Chunk>[] => [
    { name: "optional fields absent", value: chunk() },
    { name: "optional fields present", value: chunk({ context: "# src/a.ts\n", overlap_before: "// before\n" }) },
    { name: "optional fields undefined", value: chunk({ context: undefined, overlap_before: undefined }) },
    {
      name: "empty content",
      value: chunk({
        content: "",
        content_hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        byte_end: 0,
        tokens: 0,
        kinds: [],
        symbols: [],
        strategy: "text",
      }),
    },
    {
      name: "unicode",
      value: chunk({
        content: UNICODE,
        symbols: ["日本", "🧵"],
        scope: ["class Straße", "fn 関数"],
        path: `${UNICODE}.rs`,
        partial: true,
        has_error: true,
      }),
    },
    { name: "lone surrogate", value: chunk({ content: LONE_SURROGATE }) },
    // "/* été */\n" in Latin-1 (2f 2a 20 e9 74 e9 20 2a 2f 0a): two invalid bytes, each one U+FFFD.
    {
      name: "invalid UTF-8",
      value: chunk({
        content: "/* \uFFFDt\uFFFD */\n",
        content_hash: "5a01e011230e64a220d52eb42bbc33930e04ba4a42d63d035b611dbae23f3897", // of the Latin-1 bytes
        byte_end: 10,
        tokens: 6,
        kinds: [],
        symbols: [],
        language: "c",
        strategy: "delimiter",
        invalid_utf8: [
          { byte_start: 3, byte_end: 4, hex: "e9" },
          { byte_start: 5, byte_end: 6, hex: "e9" },
        ],
      }),
    },
    {
      name: "largest values",
      value: chunk({
        content: hugeText(),
        index: BIG - 1,
        count: BIG,
        byte_start: BIG,
        byte_end: BIG,
        line_start: BIG,
        line_end: BIG,
        tokens: BIG,
        kinds: Array.from({ length: 1000 }, (_, i) => `kind_${i}`),
      }),
    },
  ]),
  InvalidUtf8: entry(chunkModel.InvalidUtf8Schema, (): Sample<InvalidUtf8>[] => [
    { name: "one byte", value: { byte_start: 0, byte_end: 1, hex: "ff" } },
    { name: "three bytes", value: { byte_start: BIG - 3, byte_end: BIG, hex: "f09f98" } },
  ]),
  FailureRecord: entry(resultModel.FailureRecordSchema, (): Sample<FailureRecord>[] => [
    ...resultModel.StageSchema.options.map((stage) => ({
      name: stage,
      value: { path: "src/a.ts", stage, code: `${stage}-error`, message: `${stage} failed` },
    })),
    { name: "empty", value: { path: "", stage: "read", code: "", message: "" } },
    { name: "unicode", value: { path: `${UNICODE}.py`, stage: "chunk", code: "EILSEQ", message: UNICODE } },
  ]),
  RecoveredRegion: entry(resultModel.RecoveredRegionSchema, (): Sample<RecoveredRegion>[] => [
    { name: "typical", value: RECOVERED[0]! },
    { name: "one line", value: { byte_start: BIG, byte_end: BIG + 1, line_start: 1, line_end: 1, rule: "delimiter" } },
  ]),
  Recovery: entry(resultModel.RecoverySchema, (): Sample<Recovery>[] => [
    { name: "typical", value: { path: `${UNICODE}.ts`, regions: RECOVERED } },
    { name: "no regions", value: { path: "a.ts", regions: [] } },
  ]),
  Degradation: entry(resultModel.DegradationSchema, (): Sample<Degradation>[] => [
    {
      name: "typical",
      value: {
        path: "src/a.py",
        reason: "Python parser could not be loaded: /cache: cache directory is writable by group or others",
      },
    },
    { name: "unicode", value: { path: `${UNICODE}.py`, reason: UNICODE } },
  ]),
  FileResult: entry(resultModel.FileResultSchema, (): Sample<FileResult>[] => [
    { name: "chunked", value: chunked([chunk()]) },
    { name: "chunked, no chunks", value: chunked([]) },
    { name: "chunked, many chunks", value: chunked(manyChunks(2000), { index: BIG }) },
    { name: "chunked, recovered", value: chunked([chunk()], { recovered: RECOVERED }) },
    {
      name: "skipped",
      value: {
        status: "skipped",
        index: 3,
        path: "logo.png",
        reason: "binary",
        detail: "binary file (NUL byte at 12)",
      },
    },
    {
      name: "skipped unicode",
      value: { status: "skipped", index: 0, path: UNICODE, reason: "unreadable", detail: UNICODE },
    },
    {
      name: "failed",
      value: {
        status: "failed",
        index: 7,
        failure: { path: "bad.py", stage: "chunk", code: "parse-error", message: "parser gave up" },
      },
    },
  ]),
  FaultKind: everyOption(faultsModule.FaultKindSchema),
  Fault: entry(faultsModule.FaultSchema, (): Sample<Fault>[] => [
    { name: "first file", value: { index: 0, kind: "throw" } },
    { name: "largest index", value: { index: BIG, kind: "hang" } },
  ]),
  ProbeEntry: entry(probeModule.ProbeEntrySchema, (): Sample<ProbeEntry>[] => [
    { name: "ok", value: { id: "python", ok: true, root: "module" } },
    { name: "failed", value: { id: "rust", ok: false, error: `register failed: ${UNICODE}` } },
    { name: "optional fields absent", value: { id: "", ok: false } },
  ]),
  WorkerRequest: entry(protocol.WorkerRequestSchema, (): Sample<WorkerRequest>[] => [
    {
      name: "chunk",
      value: {
        type: "chunk",
        batchId: 1,
        governor: governorModel.DEFAULT_GOVERNOR,
        files: [file(), file({ index: 1, path: `${UNICODE}.go`, language: "go" })],
      },
    },
    {
      name: "chunk with faults",
      value: {
        type: "chunk",
        batchId: 1,
        governor: governorModel.DEFAULT_GOVERNOR,
        files: [file()],
        faults: faultsModule.FaultKindSchema.options.map((kind, index) => ({ index, kind })),
      },
    },
    {
      name: "chunk, with read limits",
      value: {
        type: "chunk",
        batchId: 3,
        governor: governorModel.DEFAULT_GOVERNOR,
        limits: { maxFileSize: 1, skipMinified: false },
        files: [file()],
      },
    },
    {
      name: "chunk, no files",
      value: { type: "chunk", batchId: 0, governor: governorModel.DEFAULT_GOVERNOR, files: [] },
    },
    {
      name: "chunk, many files",
      value: {
        type: "chunk",
        batchId: BIG,
        governor: governorModel.DEFAULT_GOVERNOR,
        files: Array.from({ length: 5000 }, (_, i) => file({ index: i, path: `src/f${i}.ts` })),
      },
    },
    { name: "init", value: { type: "init", governor: governorModel.DEFAULT_GOVERNOR } },
    {
      // Shared memory crosses as shared (no copy): the worker's view holds the same bytes.
      name: "init, shared rank tables",
      value: { type: "init", governor: governorModel.DEFAULT_GOVERNOR, rankTables: { o200k: sharedBytes(UNICODE) } },
    },
    {
      name: "init, largest budget",
      value: { type: "init", governor: { maxTokens: BIG, tokenizer: "chars", context: true, overlapLines: BIG } },
    },
    { name: "probe", value: { type: "probe", batchId: 2, languages: ["python", "rust", "typescript"] } },
    { name: "probe, none", value: { type: "probe", batchId: 2, languages: [] } },
    { name: "echo", value: { type: "echo", batchId: 3, schema: "Chunk", value: chunk() } },
    {
      name: "echo, no schema",
      value: { type: "echo", batchId: 4, value: { nested: [1, "two", null, { three: UNICODE }] } },
    },
  ]),
  WorkerResponse: entry(protocol.WorkerResponseSchema, (): Sample<WorkerResponse>[] => [
    { name: "ready", value: { type: "ready" } },
    { name: "result", value: { type: "result", batchId: 1, result: chunked([chunk()]) } },
    {
      name: "result, recovered",
      value: { type: "result", batchId: 1, result: chunked([chunk()], { recovered: RECOVERED }) },
    },
    {
      name: "result, degraded",
      value: {
        type: "result",
        batchId: 1,
        result: chunked([chunk()], {
          strategy: "delimiter",
          degraded: `Python parser could not be loaded: ${UNICODE}`,
        }),
      },
    },
    {
      name: "result, failed",
      value: {
        type: "result",
        batchId: 1,
        result: {
          status: "failed",
          index: 1,
          failure: { path: "x", stage: "read", code: "ENOENT", message: "no such file" },
        },
      },
    },
    {
      name: "result, huge",
      value: {
        type: "result",
        batchId: BIG,
        result: chunked([...manyChunks(2000), chunk({ content: hugeText() })], { index: BIG }),
      },
    },
    { name: "batch-done", value: { type: "batch-done", batchId: 1, count: 0 } },
    {
      name: "probe-result",
      value: {
        type: "probe-result",
        batchId: 2,
        languages: [
          { id: "python", ok: true, root: "module" },
          { id: "x", ok: false, error: "no grammar" },
        ],
      },
    },
    { name: "echo-result", value: { type: "echo-result", batchId: 4, value: chunk() } },
    {
      name: "echo-result with issue",
      value: { type: "echo-result", batchId: 5, value: { oops: true }, issue: 'Invalid key: Expected "id"' },
    },
    { name: "error", value: { type: "error", batchId: 3, code: "worker-error", message: UNICODE } },
    {
      name: "error for a file",
      value: {
        type: "error",
        batchId: 3,
        index: BIG,
        code: "unclonable",
        message: "the worker's message could not be cloned",
      },
    },
  ]),
  CacheStats: entry(cacheModel.CacheStatsSchema, (): Sample<CacheStats>[] => cacheStatsSamples()),
  Summary: entry(summaryOutput.SummarySchema, (): Sample<Summary>[] => {
    const base: Summary = {
      outcome: "complete",
      exitCode: 0,
      executor: "workers",
      executorReason: "auto: 3.20 MB",
      workers: 2,
      submitted: 3,
      chunked: 1,
      skipped: 1,
      failed: 1,
      degraded: 1,
      invalidUtf8: 1,
      chunks: 4,
      bytes: 3_200_000,
      seconds: 0.25,
      mbPerSecond: 12.8,
      failures: [{ path: "bad.py", stage: "execute", code: "timeout", message: "no result after 30 s" }],
      skips: [{ path: "logo.png", reason: "binary", detail: "binary file" }],
      degradations: [{ path: "a.py", reason: `Python parser could not be loaded: ${UNICODE}` }],
      recovered: 1,
      recoveries: [{ path: `${UNICODE}.ts`, regions: RECOVERED }],
      unaccounted: [],
    };
    return [
      { name: "typical", value: base },
      ...cacheStatsSamples().map(({ name, value }) => ({ name: `--cache, ${name}`, value: { ...base, cache: value } })),
      {
        name: "empty run",
        value: {
          ...base,
          outcome: "complete",
          executor: "inline",
          executorReason: "",
          workers: 0,
          submitted: 0,
          chunked: 0,
          skipped: 0,
          failed: 0,
          degraded: 0,
          invalidUtf8: 0,
          chunks: 0,
          bytes: 0,
          seconds: 0,
          mbPerSecond: 0,
          failures: [],
          skips: [],
          degradations: [],
          recovered: 0,
          recoveries: [],
        },
      },
      ...summaryOutput.SummarySchema.entries.outcome.options.map((outcome) => ({
        name: outcome,
        value: { ...base, outcome, exitCode: 3, unaccounted: [UNICODE] },
      })),
      {
        name: "largest values",
        value: {
          ...base,
          submitted: BIG,
          chunked: BIG,
          bytes: BIG,
          chunks: BIG,
          seconds: Number.MAX_VALUE,
          mbPerSecond: Number.MIN_VALUE,
        },
      },
    ];
  }),
  Check: entry(diagnosisModel.CheckSchema, (): Sample<Check>[] =>
    report().checks.map((c) => ({ name: c.status, value: c })),
  ),
  DiagnoseReport: entry(diagnosisModel.DiagnoseReportSchema, (): Sample<DiagnoseReport>[] => [
    { name: "typical", value: report() },
    { name: "no checks", value: { weft: "", ok: true, ms: 0, checks: [] } },
  ]),
};

/** What the registry lacks: each string names an exported schema, or a variant of one, without samples. */
export function registryGaps(
  registry: Record<string, CloneEntry> = CLONE_REGISTRY,
  modules: Record<string, Record<string, unknown>> = SCHEMA_MODULES,
): string[] {
  const gaps: string[] = [];
  const registered = new Set(Object.values(registry).map((e) => e.schema));
  for (const [mod, ns] of Object.entries(modules)) {
    for (const [name, value] of Object.entries(ns)) {
      if (name.endsWith("Schema") && !registered.has(value as v.GenericSchema))
        gaps.push(`${mod}.${name} has no samples`);
    }
  }
  for (const [name, e] of Object.entries(registry)) {
    const samples = e.samples();
    if (samples.length === 0) gaps.push(`${name} has no samples`);
    for (const tag of variantTags(e.schema)) {
      if (!samples.some((s) => (s.value as Record<string, unknown>)[tag.key] === tag.literal))
        gaps.push(`${name} variant ${tag.key}=${String(tag.literal)} has no sample`);
    }
  }
  return gaps;
}

/** The discriminator values of a v.variant schema ([] for anything else). */
function variantTags(schema: v.GenericSchema): { key: string; literal: unknown }[] {
  if (schema.type !== "variant") return [];
  const s = schema as unknown as v.VariantSchema<string, v.VariantOptions<string>, undefined>;
  return s.options.map((o) => ({
    key: s.key,
    literal: ((o as v.ObjectSchema<v.ObjectEntries, undefined>).entries[s.key] as v.LiteralSchema<v.Literal, undefined>)
      .literal,
  }));
}
