import { DEFAULT_SECTIONS } from "../../diagnostics/run.ts";
import { governorArgs } from "../chunkers/governorArgs.ts";
import { discoveryArgs } from "../discover/args.ts";
import type { OptionTable } from "../model/optionTable.ts";

/**
 * Every command and its options: the one table the command line is parsed and documented from.
 * A new option is one entry here; its value then arrives, typed, in the command's builder in
 * commandOptions.ts, which validates it and hands it to the command.
 */
export const COMMANDS = {
  chunk: {
    description: "Chunk files and directories; one JSON object per chunk on stdout",
    options: {
      ...discoveryArgs,
      ...governorArgs,
      format: {
        type: "string",
        valueHint: "jsonl|json|text",
        default: "jsonl",
        description: "Output: JSON Lines (one chunk per line), one JSON document grouped by file, or a text preview",
      },
      executor: {
        type: "string",
        valueHint: "auto|inline|workers",
        default: "auto",
        description: "Where chunking runs; auto runs small jobs (< 1 MiB) inline and the rest on workers",
      },
      workers: { type: "string", valueHint: "N", description: "Worker count (default: number of cores)" },
      timeout: {
        type: "string",
        valueHint: "SECONDS",
        default: "30",
        description: "Stop a file that takes longer than this, report it and go on (workers only; 0 = no limit)",
      },
      quiet: {
        type: "boolean",
        description: "No summary, skip lines or progress on stderr (failures are still reported)",
      },
      "summary-json": {
        type: "string",
        valueHint: "FILE",
        description: "Write the run's summary (counts, failures, skips) as JSON to FILE",
      },
      skipped: {
        type: "string",
        valueHint: "FILE",
        description: "Write skipped files and reasons to FILE as JSON Lines",
      },
      cache: {
        type: "string",
        valueHint: "DIR",
        description:
          "Reuse the records of files chunked before (same content, weft build and options) from DIR (default: off)",
      },
      "cache-max-size": {
        type: "string",
        valueHint: "SIZE",
        description: "Bound on --cache DIR; least recently used entries go first (default 1G; K/M/G)",
      },
    },
  },
  diagnose: {
    description: "Check that weft works on this machine: structured clone, workers, executors, parsers, cache",
    // Its bad values have always been reported as `weft diagnose: ...` (tests/diagnostics/command.test.ts).
    valueErrorPrefix: "weft diagnose",
    options: {
      json: { type: "boolean", description: "Print the report as JSON (schema: DiagnoseReport)" },
      only: {
        type: "string",
        description: `Comma-separated sections to run: ${DEFAULT_SECTIONS.join(",")} (default: all)`,
      },
      path: { type: "string", description: "Also compare worker and inline output on the files under DIR" },
      limit: { type: "string", description: "With --path: at most N files, spread over the tree (default 200)" },
    },
  },
  files: {
    description:
      "List the files `weft chunk` would chunk (path, language, size), or with --skipped what it would skip and why",
    options: {
      ...discoveryArgs,
      skipped: { type: "boolean", description: "List skipped files with the reason instead" },
      json: { type: "boolean", description: "Print JSON Lines instead of tab-separated text" },
    },
  },
  languages: {
    description:
      "List every language weft knows and check that each parser loads and parses a sample, in the main thread and in a worker",
    options: { json: { type: "boolean", description: "Print JSON instead of a table" } },
  },
  models: {
    description: "List the embedding model presets for `weft chunk --model`",
    options: { json: { type: "boolean", description: "Print JSON instead of a table" } },
  },
  schema: {
    description: "Print the JSON Schema of the records `weft chunk` writes (generated from weft's own schemas)",
    options: {
      summary: { type: "boolean", description: "Print the schema of the --summary-json document instead" },
    },
  },
} as const satisfies Record<string, { description: string; valueErrorPrefix?: string; options: OptionTable }>;

export type CommandName = keyof typeof COMMANDS;

/** The options of `weft` itself: handled by the parser, listed so that the usage shows them. */
export const MAIN_OPTIONS = {
  version: { type: "boolean", alias: "v", description: "Print the version" },
  licenses: { type: "boolean", description: "Print weft's license and the notices of the software it embeds" },
  help: { type: "boolean", alias: "h", description: "Show this help" },
} as const satisfies OptionTable;

export const MAIN_DESCRIPTION = "Split source code into syntax-aware, lossless chunks for embedding and retrieval";
