import { describe, expect, test } from "bun:test";
import { createDispatch, nextBatch, requeue, requeueAlone, type Recipient } from "../../src/execute/dispatch.ts";
import type { DiscoveredFile } from "../../src/model/file.ts";

const files = (sizes: number[]): DiscoveredFile[] =>
  sizes.map((size, index) => ({
    index,
    path: `f${index}.ts`,
    absPath: `/f${index}.ts`,
    language: "typescript",
    languageSource: "extension",
    size,
  }));
const limits = { workers: 2, batchBytes: 100, aheadBytes: 1000, aheadFiles: 100, bigFileBytes: 500 };
const to = (over: Partial<Recipient> = {}): Recipient => ({
  fresh: false,
  anyFresh: () => false,
  bigInFlight: () => false,
  ...over,
});

describe("dispatch", () => {
  test("batches fill up to batchBytes (a file bigger than that goes alone) and advance the cursor", () => {
    const d = createDispatch(files([40, 40, 40, 150, 10]), limits);
    expect(nextBatch(d, 0, to())).toEqual([0, 1]);
    expect(nextBatch(d, 0, to())).toEqual([2]);
    expect(nextBatch(d, 0, to())).toEqual([3]);
    expect(nextBatch(d, 0, to())).toEqual([4]);
    expect(nextBatch(d, 0, to())).toEqual([]);
  });

  test("the default batch size spreads the job over ~8 batches per worker, within 64 KiB..1 MiB", () => {
    const { workers, aheadBytes, aheadFiles, bigFileBytes } = limits;
    const make = (total: number) =>
      createDispatch(files([total]), { workers, aheadBytes, aheadFiles, bigFileBytes }).batchBytes;
    expect(make(1000)).toBe(2 ** 16);
    expect(make(2 ** 22)).toBe(2 ** 22 / 16);
    expect(make(2 ** 30)).toBe(2 ** 20);
  });

  test("dispatch stops at the window past the next file to emit, by bytes and by files", () => {
    const d = createDispatch(files(Array(20).fill(60)), { ...limits, aheadBytes: 200, aheadFiles: 100 });
    const sent: number[] = [];
    for (let b = nextBatch(d, 0, to()); b.length > 0; b = nextBatch(d, 0, to())) sent.push(...b);
    // Files 1..3 are 180 bytes past file 0; file 4 would make 240.
    expect(sent).toEqual([0, 1, 2, 3]);
    // Two files emitted: 120 more bytes fit, in batches of at most 100 bytes.
    expect(nextBatch(d, 2, to())).toEqual([4]);
    expect(nextBatch(d, 2, to())).toEqual([5]);
    expect(nextBatch(d, 2, to())).toEqual([]);
    const byCount = createDispatch(files(Array(20).fill(1)), { ...limits, aheadFiles: 3 });
    expect(nextBatch(byCount, 0, to())).toEqual([0, 1, 2, 3]);
  });

  test("big files: never two in one batch, none while another is in flight", () => {
    const d = createDispatch(files([600, 600, 10]), { ...limits, batchBytes: 10_000 });
    expect(nextBatch(d, 0, to())).toEqual([0]);
    expect(nextBatch(d, 0, to({ bigInFlight: () => true }))).toEqual([]);
    expect(nextBatch(d, 0, to())).toEqual([1, 2]);
  });

  test("retries go first, in order; a file a worker died on goes alone, to a fresh worker when there is one", () => {
    const d = createDispatch(files([10, 10, 10, 10, 10, 10]), limits);
    nextBatch(d, 0, to());
    requeue(d, [4, 2]);
    requeueAlone(d, 1);
    expect(d.retry).toEqual([1, 2, 4]);
    // A worker that has chunked before gets the other retries while a fresh one exists.
    expect(nextBatch(d, 0, to({ anyFresh: () => true }))).toEqual([2, 4]);
    expect(nextBatch(d, 0, to({ fresh: true, anyFresh: () => true }))).toEqual([1]);
    requeueAlone(d, 3);
    // No fresh worker: any worker takes it, alone.
    expect(nextBatch(d, 0, to())).toEqual([3]);
  });
});
