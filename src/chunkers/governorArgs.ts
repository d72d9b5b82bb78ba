import type { ArgsDef } from "citty";
import { WeftError } from "../model/errors.ts";
import { DEFAULT_GOVERNOR, type Governor, TokenizerIdSchema, type TokenizerId } from "../model/governor.ts";
import { MODELS, modelByName } from "./models.ts";

/** The smallest budget weft accepts: room for a few tokens of code (and any code point). */
export const MIN_TOKENS = 16;
const MAX_OVERLAP_LINES = 10_000;

/** The budget flags of `weft chunk`, to spread into its citty `args`. */
export const governorArgs = {
  "max-tokens": {
    type: "string",
    valueHint: "N",
    description: `Chunk budget in tokens (default ${DEFAULT_GOVERNOR.maxTokens}, at least ${MIN_TOKENS})`,
  },
  tokenizer: {
    type: "string",
    valueHint: "o200k|cl100k|chars|bytes",
    description: "How tokens are counted (default o200k; chars = non-whitespace characters)",
  },
  model: {
    type: "string",
    valueHint: "NAME",
    description: `Embedding model preset setting budget and tokenizer (see \`weft models\`): ${MODELS.map((m) => m.name).join(", ")}`,
  },
  context: {
    type: "boolean",
    description: "Add a `context` header (path, scope, symbols) to each chunk; the budget then covers header + content",
  },
  "overlap-lines": {
    type: "string",
    valueHint: "N",
    description: "Add the N lines before each chunk as `overlap_before` (outside the budget; default 0)",
  },
} as const satisfies ArgsDef;

/** Parsed values of `governorArgs` as citty hands them over. */
export type GovernorArgValues = {
  "max-tokens"?: string | number;
  tokenizer?: string;
  model?: string;
  context?: boolean;
  "overlap-lines"?: string | number;
};

function usage(message: string): WeftError {
  return new WeftError("usage", message);
}

function integer(flag: string, raw: string | number, min: number, max: number): number {
  // Decimal digits only: " 16", "+16" and "0x10" are refused, not read as 16.
  const text = String(raw);
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw usage(`--${flag} must be an integer from ${min} to ${max}, got '${text}'`);
  return n;
}

/**
 * The governor for these flags. `--model` sets budget and tokenizer; `--max-tokens` and
 * `--tokenizer` override it, but never above the model's limit. Bad values throw a WeftError
 * with code "usage" and a one-line message naming the flag.
 */
export function governorFromArgs(args: GovernorArgValues): Governor {
  let maxTokens = DEFAULT_GOVERNOR.maxTokens;
  let tokenizer: TokenizerId = DEFAULT_GOVERNOR.tokenizer;
  let limit = 100_000_000;
  if (args.model !== undefined) {
    const preset = modelByName(String(args.model));
    if (!preset) throw usage(`unknown --model '${args.model}' (known: ${MODELS.map((m) => m.name).join(", ")})`);
    ({ maxTokens, tokenizer } = preset);
    limit = preset.maxTokens;
  }
  if (args.tokenizer !== undefined) {
    const id = String(args.tokenizer).toLowerCase();
    if (!TokenizerIdSchema.options.includes(id as TokenizerId))
      throw usage(`unknown --tokenizer '${args.tokenizer}' (known: ${TokenizerIdSchema.options.join(", ")})`);
    tokenizer = id as TokenizerId;
  }
  if (args["max-tokens"] !== undefined) {
    maxTokens = integer("max-tokens", args["max-tokens"], MIN_TOKENS, limit);
  }
  const overlapLines =
    args["overlap-lines"] === undefined ? 0 : integer("overlap-lines", args["overlap-lines"], 0, MAX_OVERLAP_LINES);
  return { maxTokens, tokenizer, context: args.context === true, overlapLines };
}
