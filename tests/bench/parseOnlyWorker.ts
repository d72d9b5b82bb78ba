// Baseline worker for tests/bench/execute.ts: read and parse each file with @ast-grep/napi, nothing else.
import { parse } from "@ast-grep/napi";
import { readFileSync } from "node:fs";

declare const self: Worker;
const decoder = new TextDecoder("utf-8"); // lenient: the baseline parses every file it can

self.onmessage = async (event: MessageEvent<{ files: { absPath: string; napi: string | null }[] }>) => {
  let bytes = 0;
  let sinceYield = 0;
  for (const f of event.data.files) {
    const buf = readFileSync(f.absPath);
    bytes += buf.length;
    if (f.napi) parse(f.napi, decoder.decode(buf)).root();
    // Same yield policy as weft, so native trees are freed the same way.
    if ((sinceYield += buf.length) >= 1 << 20) {
      sinceYield = 0;
      await new Promise((r) => setImmediate(r));
    }
  }
  self.postMessage(bytes);
};
self.postMessage("ready");
