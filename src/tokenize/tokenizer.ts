import type { TokenizerId } from "../model/governor.ts";
import type { Tokenizer } from "./contract.ts";
import { bpeTokenizer } from "./bpe.ts";
import { bytesTokenizer, charsTokenizer } from "./simple.ts";

const cache = new Map<TokenizerId, Tokenizer>();

/** The tokenizer for an id (created once per process; the BPE tables load on first use). */
export function tokenizerFor(id: TokenizerId): Tokenizer {
  let t = cache.get(id);
  if (!t) {
    t = id === "bytes" ? bytesTokenizer() : id === "chars" ? charsTokenizer() : bpeTokenizer(id);
    cache.set(id, t);
  }
  return t;
}

/** Forgets every tokenizer (and so its piece memo), as in a fresh process. For benchmarks. */
export function resetTokenizers(): void {
  cache.clear();
}
