// Renames, over each target path in turn, a fresh copy of a planted library and then a link to the
// good bytes, until killed; counts swaps in `<counter>` (one byte per 100). Used by degrade.test.ts
// to race the compiled binary's check-then-load of its cached native libraries.
import { appendFileSync, copyFileSync, linkSync, renameSync, unlinkSync } from "node:fs";

const [evil, counter, ...pairs] = process.argv.slice(2);
const targets: { target: string; good: string }[] = [];
for (let i = 0; i + 1 < pairs.length; i += 2) targets.push({ target: pairs[i]!, good: pairs[i + 1]! });
for (let i = 0; ; i++) {
  for (const { target, good } of targets) {
    const tmp = `${target}.swap`;
    try {
      unlinkSync(tmp);
    } catch {
      /* not there */
    }
    if (i % 2) copyFileSync(evil!, tmp);
    else linkSync(good, tmp);
    renameSync(tmp, target);
  }
  if (i % 100 === 0) appendFileSync(counter!, "x");
}
