import { writeSync } from "node:fs";
import { WeftError } from "../model/errors.ts";

/** A buffered writer to a file descriptor: large writes, and a reader that went away ends it quietly. */
export type Sink = {
  write(text: string): void;
  /**
   * Bytes already encoded (records from the cache), in order with the text around them: written at
   * once, not kept, so the caller may reuse the buffer (copying them into blocks cost more).
   */
  writeBytes(bytes: Uint8Array): void;
  flush(): void;
  /** True once the reader has gone away (EPIPE): later writes are dropped. */
  isClosed(): boolean;
};

/**
 * Buffers text as UTF-8 and writes it with fs.writeSync in blocks of about `bufferBytes` (one write
 * per line is several times slower; PERFORMANCE.md). Each text is encoded straight into one reused
 * buffer (TextEncoder.encodeInto): joining the texts and then encoding the joined string cost the
 * main thread about a third more for the corpus's 80 MB of JSON Lines (1.24 s vs 0.92 s of CPU,
 * medians of 5). A text is encoded on its own, so one must not end inside a surrogate pair. It never
 * throws: EPIPE (`weft chunk | head -1`) closes the sink and calls `onClosed()` once; any other write
 * error closes it and calls `onClosed(error)` with a WeftError of code "output". EAGAIN on a
 * non-blocking descriptor is retried.
 */
export function createSink(
  fd: number,
  options: { bufferBytes?: number; onClosed?: (error?: WeftError) => void } = {},
): Sink {
  const limit = options.bufferBytes ?? 1 << 20;
  // Room for the limit plus one ordinary text at its worst (3 bytes per UTF-16 unit); longer texts are encoded alone.
  const buffer = new Uint8Array(limit + (1 << 16) * 3);
  const encoder = new TextEncoder();
  let pending = 0;
  let closed = false;

  const writeAll = (bytes: Uint8Array) => {
    let off = 0;
    while (off < bytes.length) {
      try {
        off += writeSync(fd, bytes, off, bytes.length - off);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") {
          Bun.sleepSync(1);
          continue;
        }
        closed = true;
        options.onClosed?.(
          code === "EPIPE" ? undefined : new WeftError("output", `cannot write output: ${(err as Error).message}`),
        );
        return;
      }
    }
  };

  const flush = () => {
    if (pending === 0) return;
    const bytes = buffer.subarray(0, pending);
    pending = 0;
    if (!closed) writeAll(bytes);
  };

  return {
    write(text) {
      if (closed) return;
      if (text.length * 3 > buffer.length - pending) {
        flush();
        if (text.length * 3 > buffer.length) return void (closed || writeAll(encoder.encode(text)));
      }
      pending += encoder.encodeInto(text, buffer.subarray(pending)).written;
      if (pending >= limit) flush();
    },
    writeBytes(bytes) {
      flush();
      if (!closed) writeAll(bytes);
    },
    flush,
    isClosed: () => closed,
  };
}
