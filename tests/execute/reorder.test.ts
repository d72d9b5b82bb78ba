import { describe, expect, test } from "bun:test";
import { emptyStats, type RunStats } from "../../src/execute/executor.ts";
import { createReorder, type ReorderHooks } from "../../src/execute/reorder.ts";
import type { DiscoveredFile } from "../../src/model/file.ts";
import { failedResult, type FileResult } from "../../src/model/result.ts";

const files: DiscoveredFile[] = [0, 1, 2, 3].map((index) => ({
  index,
  path: `f${index}.py`,
  absPath: `/f${index}.py`,
  language: "python",
  languageSource: "extension",
  size: 10 * (index + 1),
}));
const result = (pos: number): FileResult => failedResult(files[pos]!, "execute", "test", `file ${pos}`);

function setup(over: Partial<ReorderHooks> = {}) {
  const stats: RunStats = { ...emptyStats("workers", 2, files.length), peakBuffered: 0 };
  const events: string[] = [];
  let ended = false;
  const reorder = createReorder(files, stats, {
    onResult: (r) => void events.push(`emit ${r.index}`),
    ended: () => ended,
    onAllEmitted: () => {
      ended = true;
      events.push("all");
    },
    onWaiting: () => void events.push("waiting"),
    onError: (err) => void events.push(`error ${String(err)}`),
    ...over,
  });
  return { reorder, stats, events };
}

describe("reorder buffer", () => {
  test("results in any order come out in file order, each tallied", async () => {
    const { reorder, stats, events } = setup();
    expect(reorder.missingHead()).toBe(0);
    reorder.deliver(2, result(2));
    reorder.deliver(1, result(1));
    expect(events).toEqual([]);
    expect(stats.peakBuffered).toBe(2);
    reorder.deliver(0, result(0));
    await Bun.sleep(0);
    expect(events).toEqual(["emit 0", "emit 1", "emit 2", "waiting"]);
    expect(reorder.next).toBe(3);
    expect(reorder.missingHead()).toBe(3);
    reorder.deliver(3, result(3));
    await Bun.sleep(0);
    expect(events.slice(-2)).toEqual(["emit 3", "all"]);
    expect(stats.failed).toBe(4);
    expect(stats.bytes).toBe(100);
    expect(reorder.missingHead()).toBeUndefined();
  });

  test("a consumer's promise is awaited before the next result; a throw goes to onError", async () => {
    let release = () => {};
    const { reorder, events } = setup({
      onResult: (r) => {
        events.push(`emit ${r.index}`);
        if (r.index === 0) return new Promise<void>((resolve) => (release = resolve));
        if (r.index === 1) throw new Error("consumer broke");
      },
    });
    reorder.deliver(0, result(0));
    reorder.deliver(1, result(1));
    await Bun.sleep(0);
    expect(events).toEqual(["emit 0"]);
    expect(reorder.missingHead()).toBeUndefined(); // still emitting
    release();
    await Bun.sleep(0);
    expect(events).toEqual(["emit 0", "emit 1", "error Error: consumer broke"]);
  });
});
