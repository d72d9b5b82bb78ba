// Parse-only baseline: `bun tests/bench/parseOnly.ts DIR WORKERS` parses every discovered file with
// @ast-grep/napi on WORKERS workers (batches of ~1 MB handed out on demand) and prints the bytes parsed.
import { discoverFiles } from "../execute/fixtures.ts";
import { loadParsers, napiName } from "../../src/languages/registry.ts";
import { languageById } from "../../src/languages/table.ts";

const [dir, n] = process.argv.slice(2);
const files = discoverFiles([dir!]);
const languages = [...new Set(files.map((f) => f.language))];
const status = loadParsers(languages);
const work = files.map((f) => ({ absPath: f.absPath, napi: languageById(f.language)?.grammar && status.get(f.language)?.ok ? napiName(f.language) : null }));
const batches: (typeof work)[] = [];
for (let i = 0, bytes = 0, cur: typeof work = []; i < work.length; i++) {
  cur.push(work[i]!);
  bytes += files[i]!.size;
  if (bytes >= 1 << 20 || i === work.length - 1) {
    batches.push(cur);
    cur = [];
    bytes = 0;
  }
}
let total = 0;
await Promise.all(
  Array.from({ length: Number(n) }, () => new Promise<void>((resolve, reject) => {
    const w = new Worker(new URL("./parseOnlyWorker.ts", import.meta.url));
    const next = () => {
      const b = batches.shift();
      if (b) w.postMessage({ files: b });
      else {
        w.terminate();
        resolve();
      }
    };
    w.addEventListener("message", (e: MessageEvent) => {
      if (typeof e.data === "number") total += e.data;
      next();
    });
    w.addEventListener("error", (e) => reject(new Error(e.message)));
  })),
);
process.stdout.write(`${total}\n`);
