// Renames a good and a planted library over the cache path that the main thread is about to load
// (its index in a shared Int32Array: slot 0; -1 stops), as fast as it can. Used by loadExact.test.ts.
import { copyFileSync, linkSync, renameSync, unlinkSync } from "node:fs";

declare const self: Worker;
self.onmessage = (e: MessageEvent<{ state: SharedArrayBuffer; good: string; evil: string; targets: string[] }>) => {
  const { good, evil, targets } = e.data;
  const state = new Int32Array(e.data.state);
  // Fresh copies of the planted library made ahead (each a new inode: glibc reuses a library it
  // has loaded already, whose constructor would not run again), so that each swap is one rename.
  const copies: string[] = [];
  const more = () => {
    for (let k = 0; k < 64; k++) {
      const c = `${evil}.${copies.length}.${k}.${Date.now()}`;
      copyFileSync(evil, c);
      copies.push(c);
    }
  };
  more();
  Atomics.store(state, 1, 1); // started
  for (let i = 0; ; i++) {
    const at = Atomics.load(state, 0);
    if (at < 0) break;
    const target = targets[at]!;
    if (i % 2) {
      if (copies.length === 0) more();
      renameSync(copies.pop()!, target);
    } else {
      const tmp = `${target}.swap`;
      try {
        unlinkSync(tmp);
      } catch {
        /* not there */
      }
      linkSync(good, tmp);
      renameSync(tmp, target);
    }
    Atomics.add(state, 2, 1); // swaps done
  }
  for (const c of copies) unlinkSync(c);
  self.postMessage("stopped");
};
