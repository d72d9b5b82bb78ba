import { startWorker, watchWorker } from "../src/execute/spawnWorker.ts";
import type { WorkerRequest, WorkerResponse } from "../src/execute/protocol.ts";

/** A request without its batch id; the session numbers requests itself. */
type Unnumbered<T> = T extends unknown ? Omit<T, "batchId"> : never;

/** One long-lived weft worker answering one request at a time (diagnostics reuse it for many round trips). */
export type WorkerSession = {
  /** Resolves with the validated answer; rejects when posting fails, the worker dies, or it times out. */
  request(req: Unnumbered<Exclude<WorkerRequest, { type: "chunk" }>>, timeoutMs: number): Promise<WorkerResponse>;
  close(): void;
};

type Pending = { id: number; resolve: (r: WorkerResponse) => void; reject: (e: Error) => void; timer: Timer };

/**
 * Opens a session on the real worker entry (src/execute/worker.ts, also inside the compiled
 * binary), watched like the pool watches its workers: a death, an invalid message or a timeout
 * rejects the pending request instead of leaving it pending, and the next request starts a new worker.
 */
export function openWorkerSession(): WorkerSession {
  let current: { stop: () => void; worker: Worker } | undefined;
  let nextId = 1;
  let pending: Pending | undefined;

  const settle = (fn: (p: Pending) => void) => {
    const p = pending;
    if (!p) return;
    pending = undefined;
    clearTimeout(p.timer);
    fn(p);
  };
  const spawn = () => {
    const worker = startWorker();
    const me = {
      worker,
      stop: watchWorker(worker, {
        onMessage(msg) {
          if (msg.type === "ready") return;
          if (pending && "batchId" in msg && msg.batchId === pending.id) settle((p) => p.resolve(msg));
        },
        onLoss(loss) {
          if (current === me) current = undefined;
          settle((p) => p.reject(new Error(loss.message)));
        },
      }),
    };
    return me;
  };

  return {
    request(req, timeoutMs) {
      if (pending) return Promise.reject(new Error("worker session is busy"));
      const w = (current ??= spawn());
      const id = nextId++;
      return new Promise<WorkerResponse>((resolve, reject) => {
        const timer = setTimeout(() => {
          if (current === w) current = undefined;
          w.stop();
          settle((p) => p.reject(new Error(`worker did not answer within ${timeoutMs} ms`)));
        }, timeoutMs);
        pending = { id, resolve, reject, timer };
        try {
          w.worker.postMessage({ ...req, batchId: id });
        } catch (err) {
          // A DataCloneError is the value's fault, not the worker's: keep the worker.
          settle((p) => p.reject(err instanceof Error ? err : new Error(String(err))));
        }
      });
    },
    close() {
      current?.stop();
      current = undefined;
      settle((p) => p.reject(new Error("worker session closed")));
    },
  };
}
