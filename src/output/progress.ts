/** A progress line on stderr, drawn only when stderr is a terminal. */
export type Progress = {
  update(files: number, bytes: number): void;
  /** Prints a line above the bar (a failure message) without garbling it. */
  note(line: string): void;
  end(): void;
};

/** Progress for `total` files of `totalBytes`; a no-op unless `tty` (default: stderr is a TTY). Redraws at most every 100 ms. */
export function createProgress(total: number, totalBytes: number, tty = process.stderr.isTTY === true): Progress {
  const started = performance.now();
  let last = 0;
  let drawn = false;
  const clear = () => {
    if (drawn) process.stderr.write("\r\x1b[K");
    drawn = false;
  };
  return {
    update(files, bytes) {
      if (!tty) return;
      const now = performance.now();
      if (now - last < 100 && files < total) return;
      last = now;
      const width = 30;
      const filled = Math.round((width * bytes) / Math.max(1, totalBytes));
      const rate = bytes / 1e6 / Math.max(0.001, (now - started) / 1000);
      process.stderr.write(
        `\r\x1b[K[${"#".repeat(filled)}${".".repeat(width - filled)}] ${files}/${total} files  ${rate.toFixed(1)} MB/s`,
      );
      drawn = true;
    },
    note(line) {
      clear();
      process.stderr.write(line);
    },
    end: clear,
  };
}
