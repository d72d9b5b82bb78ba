import * as v from "valibot";
import { startWorker } from "../src/execute/spawnWorker.ts";
import { WorkerResponseSchema, type WorkerRequest, type WorkerResponse } from "../src/execute/protocol.ts";

/** A request without its batch id; the session numbers requests itself. */
type Unnumbered<T> = T extends unknown ? Omit<T, "batchId"> : never;

/** One long-lived weft worker answering one request at a time (diagnostics reuse it for many round trips). */
export type WorkerSession = {
  /** Resolves with the validated response; rejects when posting fails, the worker dies, or it times out. */
  request(req: Unnumbered<WorkerRequest>, timeoutMs: number): Promise<WorkerResponse>;
  close(): void;
};

/**
 * Opens a session on the real worker entry (src/execute/worker.ts, also inside the compiled binary).
 * It listens to error, messageerror and close as well as message, so a dying worker rejects the
 * pending request instead of leaving it pending; the next request starts a fresh worker.
 */
export function openWorkerSession(): WorkerSession {
  let worker: Worker | undefined;
  let nextId = 1;
  let pending: { id: number; resolve: (r: WorkerResponse) => void; reject: (e: Error) => void; timer: Timer } | undefined;

  const settle = (fn: (p: NonNullable<typeof pending>) => void) => {
    const p = pending;
    if (!p) return;
    pending = undefined;
    clearTimeout(p.timer);
    fn(p);
  };
  const kill = (w: Worker | undefined, why: string) => {
    if (w && w === worker) worker = undefined;
    w?.terminate();
    settle((p) => p.reject(new Error(why)));
  };
  const spawn = (): Worker => {
    const w = startWorker();
    w.addEventListener("message", (event: MessageEvent) => {
      const parsed = v.safeParse(WorkerResponseSchema, event.data);
      if (!parsed.success) return kill(w, `invalid message from worker: ${parsed.issues[0]?.message ?? "?"}`);
      if (pending && parsed.output.batchId === pending.id) settle((p) => p.resolve(parsed.output));
    });
    w.addEventListener("messageerror", () => kill(w, "worker message could not be deserialized (messageerror)"));
    w.addEventListener("error", (event: ErrorEvent) => kill(w, `worker error: ${(event.message || "unknown").split("\n")[0]}`));
    w.addEventListener("close", (event: Event) => kill(w, `worker exited (code ${(event as CloseEvent).code})`));
    return w;
  };

  return {
    request(req, timeoutMs) {
      if (pending) return Promise.reject(new Error("worker session is busy"));
      const w = (worker ??= spawn());
      const id = nextId++;
      return new Promise<WorkerResponse>((resolve, reject) => {
        const timer = setTimeout(() => kill(w, `worker did not answer within ${timeoutMs} ms`), timeoutMs);
        pending = { id, resolve, reject, timer };
        try {
          w.postMessage({ ...req, batchId: id });
        } catch (err) {
          // A DataCloneError is the value's fault, not the worker's: keep the worker.
          settle((p) => p.reject(err instanceof Error ? err : new Error(String(err))));
        }
      });
    },
    close() {
      const w = worker;
      worker = undefined;
      w?.terminate();
      settle((p) => p.reject(new Error("worker session closed")));
    },
  };
}
