// Peak memory of the worker pool with and without worker recycling, on a directory (default: the corpus).
//   /usr/bin/time -f "%e s %U user %S sys %M KB" bun tests/bench/recycle.ts [DIR] [--recycle-bytes N]
// Results are counted, not written, so the figure is the pool's own (main thread + workers).
import { parseArgs } from "node:util";
import { discover } from "../../src/discover/discover.ts";
import { createPool } from "../../src/execute/pool.ts";
import { DEFAULT_GOVERNOR } from "../../src/model/governor.ts";
import { options } from "../discover/tree.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { "recycle-bytes": { type: "string" }, workers: { type: "string", default: "2" } },
});
const dir = positionals[0] ?? "/tmp/weft-corpus";
const opts = options(dir, { checkContent: false });
const { files } = discover(opts);
const pool = createPool({
  workers: Number(values.workers),
  ...(values["recycle-bytes"] !== undefined && { recycleBytes: Number(values["recycle-bytes"]) }),
});
let chunks = 0;
const stats = await pool.run(
  files,
  DEFAULT_GOVERNOR,
  (r) => void (chunks += r.status === "chunked" ? r.chunks.length : 0),
  { limits: { maxFileSize: opts.maxFileSize, skipMinified: opts.skipMinified } },
);
await pool.close();
console.log(
  JSON.stringify({
    files: files.length,
    chunks,
    recycled: stats.recycled,
    rssMB: Math.round(process.memoryUsage().rss / 1e6),
  }),
);
