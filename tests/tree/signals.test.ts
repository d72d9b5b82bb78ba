// The tree reader's signal watch (issue 23, point 3): a SIGINT noted in C stops a parse and the
// chunkers' long loops on this thread, as "interrupted", never as a file's failure; Bun's own
// handler still runs (the JavaScript listener sees the signal); watching again starts afresh.
import { afterAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { chunkFile } from "../../src/chunkers/chunkFile.ts";
import { delimiterUnits } from "../../src/chunkers/delimiter.ts";
import { processFile } from "../../src/chunkers/processFile.ts";
import { DEFAULT_GOVERNOR } from "../../src/model/governor.ts";
import { checkInterrupt, interruptWatched } from "../../src/model/interrupt.ts";
import { tokenizerFor } from "../../src/tokenize/tokenizer.ts";
import { parseTree, watchSignals } from "../../src/tree/parseTree.ts";
import { removeTree, tempDir } from "../discover/tree.ts";

const dir = tempDir("weft-signals-");
afterAll(() => removeTree(dir));

const text = "def f(x):\n    return [v * 2 for v in range(x) if v % 3]\n\n\n".repeat(5_000);
const file = {
  index: 0,
  path: "f.py",
  absPath: join(dir, "f.py"),
  language: "python",
  languageSource: "extension" as const,
  size: text.length,
};

test.skipIf(process.platform === "win32")(
  "a watched SIGINT stops parses, the token index and the delimiter rules as interrupted; unwatched, all run again",
  async () => {
    writeFileSync(file.absPath, text);
    const whole = parseTree("python", text).count;
    let seen = 0;
    const listener = () => seen++;
    process.on("SIGINT", listener); // as runChunk does before it watches
    const unwatch = watchSignals();
    try {
      expect(unwatch).toBeDefined();
      expect(interruptWatched()).toBe(true);
      expect(parseTree("python", text).count).toBe(whole); // no signal yet: parses as usual
      process.kill(process.pid, "SIGINT");
      await Bun.sleep(50);
      expect(seen).toBe(1); // Bun's handler ran too: the JavaScript listener saw it

      expect(() => parseTree("python", text)).toThrow("stopped by a signal");
      expect(() => checkInterrupt()).toThrow("stopped by a signal");
      // Each loop that takes time in proportion to the file asks, so none runs on to its end.
      expect(() => tokenizerFor("o200k").index(text)).toThrow("stopped by a signal");
      for (const family of ["indent", "brace"] as const)
        expect(() => delimiterUnits(text, family, ["#"], () => true)).toThrow("stopped by a signal");
      const bytes = new TextEncoder().encode(text);
      // Passed on by the chunkers, whatever the strategy: the run stops, the file is not a failure.
      for (const force of ["semantic", "delimiter"] as const)
        expect(() => chunkFile(file, bytes, DEFAULT_GOVERNOR, force)).toThrow("stopped by a signal");
      expect(() => processFile(file, DEFAULT_GOVERNOR)).toThrow("stopped by a signal");
    } finally {
      unwatch?.();
      process.off("SIGINT", listener);
    }
    expect(interruptWatched()).toBe(false);
    // Not watched (as in workers): the noted signal stops nothing, and the halted parser was reset.
    expect(parseTree("python", text).count).toBe(whole);
    expect(processFile(file, DEFAULT_GOVERNOR).status).toBe("chunked");
    // Watching again clears what was noted.
    process.on("SIGINT", listener);
    const again = watchSignals();
    try {
      expect(parseTree("python", text).count).toBe(whole);
    } finally {
      again?.();
      process.off("SIGINT", listener);
    }
  },
);
