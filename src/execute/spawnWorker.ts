import * as v from "valibot";
import { WeftError } from "../model/errors.ts";
import { WorkerResponseSchema, type WorkerRequest, type WorkerResponse } from "./protocol.ts";

/** Starts a weft worker. Its URL is relative to this module so the compiled binary resolves it in /$bunfs. */
export function startWorker(): Worker {
  return new Worker(new URL("./worker.ts", import.meta.url));
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
