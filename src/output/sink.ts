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
 * Buffers text and writes it with fs.writeSync in blocks of about `bufferBytes` (one write per line
 * is several times slower; PERFORMANCE.md). It never throws: EPIPE (`weft chunk | head -1`) closes
 * the sink and calls `onClosed()` once; any other write error closes it and calls `onClosed(error)`
 * with a WeftError of code "output". EAGAIN on a non-blocking descriptor is retried.
 */
export function createSink(
  fd: number,
  options: { bufferBytes?: number; onClosed?: (error?: WeftError) => void } = {},
): Sink {
  const limit = options.bufferBytes ?? 1 << 20;
  let parts: string[] = [];
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
    const text = parts.join("");
    parts = [];
    pending = 0;
    if (!closed) writeAll(Buffer.from(text));
  };

  return {
    write(text) {
      if (closed) return;
      parts.push(text);
      pending += text.length;
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
