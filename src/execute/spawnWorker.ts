import { WeftError } from "../model/errors.ts";
import { checkWorkerResponse, type WorkerRequest, type WorkerResponse } from "./protocol.ts";

/** True inside a `bun build --compile` binary, where modules live in Bun's embedded file system. */
const COMPILED = /[/\\](\$bunfs|~BUN)[/\\]/.test(import.meta.path);

/**
 * The worker entry. From source, worker.ts is found next to this module. In the compiled binary
 * this module is bundled into the CLI entry, and Bun resolves a worker entrypoint by its path
 * relative to that entry (src/cli.ts), so `new URL("./worker.ts", import.meta.url)` would point at
 * a file that does not exist there.
 */
const WORKER_ENTRY: string | URL = COMPILED ? "./execute/worker.ts" : new URL("./worker.ts", import.meta.url);

/** Starts a weft worker (another entry only in tests of start-up failure). */
export function startWorker(entry: string | URL = WORKER_ENTRY): Worker {
  return new Worker(entry);
}

/** Why a worker stopped being usable: the code goes into failure records, the text into messages. */
export type WorkerLoss = { code: "worker-died" | "protocol"; message: string };

/** Callbacks of a watched worker; `onLoss` is called at most once and never after `stop()`. */
export type WorkerWatch = {
  onMessage(msg: WorkerResponse): void;
  onLoss(loss: WorkerLoss): void;
};

/**
 * The one line of Bun's pretty-printed ErrorEvent text that says what was thrown ("error: boom"),
 * since its `error` is null and its `filename` empty.
 */
export function errorEventText(event: ErrorEvent): string {
  const text = event.message || "";
  const line = text.split("\n").find((l) => /^\s*(\w*Error|error)\b.*:/.test(l));
  return (line ?? text.split("\n").find((l) => l.trim() !== "") ?? "unknown error").trim().replace(/^error: /, "");
}

/**
 * Listens to every way a worker can speak or die: `message` (checked by checkWorkerResponse: an invalid message is a
 * loss with code "protocol", never a drop), `messageerror`, `error`, and `close` with ANY code
 * (an unhandled rejection closes with 0). Returns `stop`, which terminates the worker and
 * silences its callbacks, so a close we asked for is never mistaken for a death.
 */
export function watchWorker(worker: Worker, watch: WorkerWatch): () => void {
  let done = false;
  const lose = (loss: WorkerLoss) => {
    if (done) return;
    done = true;
    worker.terminate();
    watch.onLoss(loss);
  };
  worker.addEventListener("message", (event: MessageEvent) => {
    if (done) return;
    const checked = checkWorkerResponse(event.data);
    if ("ok" in checked) watch.onMessage(checked.ok);
    else lose({ code: "protocol", message: `invalid message from worker (${checked.issue})` });
  });
  worker.addEventListener("messageerror", () =>
    lose({ code: "protocol", message: "a message from the worker could not be deserialized" }),
  );
  worker.addEventListener("error", (event: ErrorEvent) =>
    lose({ code: "worker-died", message: `worker crashed: ${errorEventText(event)}` }),
  );
  worker.addEventListener("close", (event: Event) =>
    lose({ code: "worker-died", message: `worker exited unexpectedly (code ${(event as CloseEvent).code})` }),
  );
  return () => {
    done = true;
    worker.terminate();
  };
}

/**
 * Sends one request to a fresh worker and resolves with its validated answer (skipping `ready`).
 * A worker that dies, answers with an invalid message or hangs rejects instead of leaving the
 * promise pending (Bun prints nothing for a worker with no error listener).
 */
export function requestOnce(req: WorkerRequest, timeoutMs: number): Promise<WorkerResponse> {
  const worker = startWorker();
  return new Promise<WorkerResponse>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new WeftError("worker-timeout", `worker did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = watchWorker(worker, {
      onMessage(msg) {
        if (msg.type === "ready") return;
        clearTimeout(timer);
        stop();
        if (msg.type === "error") reject(new WeftError(msg.code, msg.message));
        else resolve(msg);
      },
      onLoss(loss) {
        clearTimeout(timer);
        reject(new WeftError(loss.code, loss.message));
      },
    });
    worker.postMessage(req);
  });
}
