import type { TokenizerId } from "../model/governor.ts";

/** A preset for an embedding model: its input limit and how weft counts towards it. */
export type ModelPreset = {
  name: string;
  maxTokens: number;
  tokenizer: TokenizerId;
  /** True when the count is the model's own tokenizer; false when it is a safe upper bound. */
  exact: boolean;
  note: string;
};

// Models with a WordPiece/SentencePiece tokenizer weft does not embed are counted with `chars`
// (non-whitespace characters): each of their tokens covers at least one non-whitespace
// character, so the count never underestimates; 2 tokens are kept for [CLS]/[SEP]. Models with an
// unknown byte-level BPE are counted in bytes, an upper bound for any byte-level tokenizer.
/** The model presets, by name. */
export const MODELS: readonly ModelPreset[] = [
  { name: "text-embedding-3-small", maxTokens: 8191, tokenizer: "cl100k", exact: true, note: "OpenAI" },
  { name: "text-embedding-3-large", maxTokens: 8191, tokenizer: "cl100k", exact: true, note: "OpenAI" },
  { name: "text-embedding-ada-002", maxTokens: 8191, tokenizer: "cl100k", exact: true, note: "OpenAI" },
  {
    name: "all-MiniLM-L6-v2",
    maxTokens: 254,
    tokenizer: "chars",
    exact: false,
    note: "sentence-transformers, 256 word pieces",
  },
  { name: "bge-small-en-v1.5", maxTokens: 510, tokenizer: "chars", exact: false, note: "BAAI, 512 word pieces" },
  { name: "bge-base-en-v1.5", maxTokens: 510, tokenizer: "chars", exact: false, note: "BAAI, 512 word pieces" },
  { name: "e5-base-v2", maxTokens: 510, tokenizer: "chars", exact: false, note: "intfloat, 512 word pieces" },
  { name: "nomic-embed-text-v1.5", maxTokens: 8190, tokenizer: "chars", exact: false, note: "Nomic, 8192 word pieces" },
  {
    name: "jina-embeddings-v2-base-code",
    maxTokens: 8190,
    tokenizer: "chars",
    exact: false,
    note: "Jina, 8192 tokens",
  },
  { name: "voyage-code-3", maxTokens: 32000, tokenizer: "bytes", exact: false, note: "Voyage AI, 32k tokens" },
];

/** The preset with this name (case-insensitive), or undefined. */
export function modelByName(name: string): ModelPreset | undefined {
  const lower = name.toLowerCase();
  return MODELS.find((m) => m.name.toLowerCase() === lower);
}
