// A Bun Worker that parses what it is sent with parseTree (the worker opens the reader itself).
import { parseTree } from "../../src/tree/parseTree.ts";

declare const self: Worker;
self.onmessage = (e: MessageEvent<{ id: string; text: string }[]>) => {
  const out = e.data.map(({ id, text }) => {
    try {
      const t = parseTree(id, text);
      return { id, records: Array.from(t.nodes.subarray(0, t.count * 4)) };
    } catch (err) {
      return { id, error: String(err) };
    }
  });
  self.postMessage(out);
};
