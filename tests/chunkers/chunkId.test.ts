import { expect, test } from "bun:test";
import { chunkId } from "../../src/chunkers/build.ts";

test("chunk ids: unchanged for UTF-8 paths; distinct for paths that differ in one byte that is not UTF-8", () => {
  expect(chunkId("src/é.py", 0, 6, "x = 1\n")).toBe(
    Bun.hash
      .xxHash3("src/é.py\0" + "0\x006\0x = 1\n")
      .toString(16)
      .padStart(16, "0"),
  );
  // Bun hashes a string's UTF-8, where both names would be "bad\ufffd.py": the same id for two files.
  expect(chunkId("bad\udcff.py", 0, 6, "x = 1\n")).not.toBe(chunkId("bad\udcfe.py", 0, 6, "x = 1\n"));
  expect(chunkId("bad\udcff.py", 0, 6, "x = 1\n")).not.toBe(chunkId("bad\ufffd.py", 0, 6, "x = 1\n"));
  expect(chunkId("bad\udcff.py", 0, 6, "x = 1\n")).toBe(chunkId("bad\udcff.py", 0, 6, "x = 1\n"));
});
