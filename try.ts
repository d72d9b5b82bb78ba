import { smokeChecks } from "./diagnostics/smoke/checks.ts";
import { openWorkerSession } from "./diagnostics/workerSession.ts";
const s = openWorkerSession();
const t0 = performance.now();
const checks = await smokeChecks(s);
s.close();
for (const c of checks) console.log(c.status, c.id, c.ms, c.detail);
console.log(performance.now() - t0);
