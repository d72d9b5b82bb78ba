/** Lets the event loop turn (so @ast-grep/napi can free parse trees; see PERFORMANCE.md). */
export function turnEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Returns a function to call after each file: it turns the event loop once every `bytes` of input
 * or `files` files, whichever comes first, so long loops keep native memory bounded without paying
 * for a turn after every small file.
 */
export function yieldEvery(bytes = 1 << 20, files = 32): (size: number) => Promise<void> | undefined {
  let pendingBytes = 0;
  let pendingFiles = 0;
  return (size) => {
    pendingBytes += size;
    pendingFiles++;
    if (pendingBytes < bytes && pendingFiles < files) return undefined;
    pendingBytes = 0;
    pendingFiles = 0;
    return turnEventLoop();
  };
}
