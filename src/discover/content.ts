import type { SkipRecord } from "../model/file.ts";

/** Bytes read from the start of a file to judge its content (binary, minified, shebang). */
export const HEAD_BYTES = 8192;

/** A head averaging more characters per line than this looks generated (data, bundles) whatever it holds. */
export const GENERATED_LINE_LENGTH = 1000;

/**
 * A head averaging more characters per line than this, with under MINIFIED_WHITESPACE of it
 * whitespace, looks minified: minifiers break lines every few hundred characters (lodash.min.js:
 * ~500) but leave almost no spaces, while prose and code are 15-30% whitespace.
 */
export const MINIFIED_LINE_LENGTH = 200;
export const MINIFIED_WHITESPACE = 0.05;

/** Heads shorter than this are never called minified: a short one-line file chunks fine. */
const MINIFIED_MIN_SAMPLE = 4096;

/**
 * Why a file's content should not be chunked, judged from its first bytes (`head`, at most
 * HEAD_BYTES are looked at), or undefined when it looks like text. The same answer whether the
 * head was read alone at discovery or sliced from the whole file later.
 */
export function contentSkip(
  head: Uint8Array,
  skipMinified: boolean,
): Pick<SkipRecord, "reason" | "detail"> | undefined {
  const sample = head.length > HEAD_BYTES ? head.subarray(0, HEAD_BYTES) : head;
  if (sample.indexOf(0) !== -1) return { reason: "binary", detail: "contains NUL bytes (binary, or UTF-16 text)" };
  let control = 0;
  let newlines = 0;
  let whitespace = 0;
  // An indexed loop: for-of over a typed array cost 4x as much (340 vs 82 ms for the corpus's 4291 heads).
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i]!;
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) whitespace++;
    if (b === 0x0a) newlines++;
    // Control characters other than tab, newline, vertical tab, form feed, carriage return, escape.
    else if ((b < 0x20 && b !== 0x09 && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1b) || b === 0x7f) control++;
  }
  if (sample.length > 0 && control * 10 > sample.length) {
    return {
      reason: "binary",
      detail: `${Math.round((control * 100) / sample.length)}% control characters in the first ${sample.length} bytes`,
    };
  }
  if (skipMinified && sample.length >= MINIFIED_MIN_SAMPLE) {
    const lines = newlines + (sample[sample.length - 1] === 0x0a ? 0 : 1);
    const average = Math.round(sample.length / lines);
    const spaces = whitespace / sample.length;
    if (average > GENERATED_LINE_LENGTH || (average > MINIFIED_LINE_LENGTH && spaces < MINIFIED_WHITESPACE)) {
      return {
        reason: "minified",
        detail: `looks minified or generated: ${average} characters per line, ${Math.round(spaces * 100)}% whitespace in the first ${sample.length} bytes (chunk it anyway with --no-skip-minified)`,
      };
    }
  }
  return undefined;
}
