import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathChecks, spreadSample } from "../../../diagnostics/path/compare.ts";
import { tempDirs } from "../tempDirs.ts";

// Worker runs load the tokenizer and parsers in every worker: give them room on a busy machine
// (the preload's default timeout does not reach every file of a multi-file run).
setDefaultTimeout(120_000);

const temp = tempDirs();
afterAll(temp.cleanup);

test("spreadSample keeps everything under the limit and spreads over the whole list above it", () => {
  expect(spreadSample([1, 2, 3], 5)).toEqual([1, 2, 3]);
  expect(
    spreadSample(
      Array.from({ length: 100 }, (_, i) => i),
      4,
    ),
  ).toEqual([0, 25, 50, 75]);
});

test("compares worker and inline output on a directory, within the limit", async () => {
  const dir = temp.make("weft-path-");
  mkdirSync(join(dir, "src"));
  for (let i = 0; i < 6; i++) writeFileSync(join(dir, "src", `m${i}.py`), `def f${i}():\n    return ${i}\n`);
  writeFileSync(join(dir, "latin1.txt"), new Uint8Array([0xe9, 0x0a]));
  writeFileSync(join(dir, "logo.png"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
  const [all] = await pathChecks(dir, 100);
  expect(all!.status).toBe("pass");
  expect(all!.detail).toBe(
    `all 7 files under ${dir}: worker output identical to inline (7 chunked (1 with invalid UTF-8, listed in invalid_utf8), 0 skipped, 0 failed); 1 left out by discovery: 1 binary`,
  );
  const [some] = await pathChecks(dir, 3);
  expect(some!.detail).toStartWith(`3 of 7 files under ${dir}`);
  const empty = temp.make("weft-path-empty-");
  writeFileSync(join(empty, "logo.png"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
  const [none] = await pathChecks(empty, 3);
  expect(none!).toMatchObject({
    status: "skip",
    detail: `no files to chunk under ${empty}; 1 left out by discovery: 1 binary`,
  });
});
