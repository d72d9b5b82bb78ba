import * as v from "valibot";
import { WeftError } from "../model/errors.ts";
import { WorkerResponseSchema, type WorkerRequest, type WorkerResponse } from "./protocol.ts";

/** True inside a `bun build --compile` binary, where modules live in Bun's embedded file system. */
const COMPILED = /[/\\](\$bunfs|~BUN)[/\\]/.test(import.meta.path);

/**
 * Starts a weft worker. From source, worker.ts is found next to this module. In the compiled
 * binary this module is bundled into the CLI entry, and Bun resolves a worker entrypoint by its
 * path relative to that entry (src/cli.ts), so `new URL("./worker.ts", import.meta.url)` would
 * point at a file that does not exist there.
 */
export function startWorker(): Worker {
  return new Worker(COMPILED ? "./execute/worker.ts" : new URL("./worker.ts", import.meta.url));
}

/**
 * Sends one request to a fresh worker and resolves with its validated response. Listens to
 * `error`, `messageerror` and `close` too, so a worker that dies or hangs rejects instead of
 * leaving the promise pending (Bun prints nothing for a worker with no error listener).
 */
export function requestOnce(req: WorkerRequest, timeoutMs: number): Promise<WorkerResponse> {
  const worker = startWorker();
  return new Promise<WorkerResponse>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      worker.terminate();
    };
    const timer = setTimeout(() => finish(() => reject(new WeftError("worker-timeout", `worker did not answer within ${timeoutMs} ms`))), timeoutMs);
    worker.addEventListener("message", (event: MessageEvent) => {
      const parsed = v.safeParse(WorkerResponseSchema, event.data);
      finish(() => (parsed.success ? resolve(parsed.output) : reject(new WeftError("protocol", `invalid message from worker: ${parsed.issues[0]?.message ?? "?"}`))));
    });
    worker.addEventListener("messageerror", () => finish(() => reject(new WeftError("protocol", "worker message could not be deserialized"))));
    worker.addEventListener("error", (event: ErrorEvent) => finish(() => reject(new WeftError("worker-died", `worker error: ${(event.message || "unknown").split("\n")[0]}`))));
    worker.addEventListener("close", (event: Event) => finish(() => reject(new WeftError("worker-died", `worker exited (code ${(event as CloseEvent).code}) before answering`))));
    worker.postMessage(req);
  });
}
