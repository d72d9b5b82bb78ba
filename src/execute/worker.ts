// Worker entry. Must stay under src/ (next to or below cli.ts) so the compiled binary finds it.
// Registration of parsers is process-global: the main thread registers the run's languages before
// it starts any worker, so a worker finds them registered.
import * as v from "valibot";
import { echoReply } from "../../diagnostics/clone/echo.ts";
import { processFile, warmUp } from "../chunkers/processFile.ts";
import { probeLanguages } from "../languages/probe.ts";
import { errorMessage } from "../model/errors.ts";
import { describeIssues } from "../model/issues.ts";
import { adoptRankTables } from "../tokenize/encodings.ts";
import { injectFault, throwFault } from "./faults.ts";
import { turnEventLoop } from "./memory.ts";
import { WorkerRequestSchema, WorkerResponseSchema, type WorkerRequest, type WorkerResponse } from "./protocol.ts";

declare const self: Worker;
type ChunkRequest = Extract<WorkerRequest, { type: "chunk" }>;

/** Posts without validation; a value that cannot be cloned becomes an error message, not a death. */
function send(msg: unknown): void {
  try {
    self.postMessage(msg);
  } catch (err) {
    const m = msg as { batchId?: unknown; result?: { index?: unknown } };
    const batchId = typeof m.batchId === "number" ? m.batchId : 0;
    const index = typeof m.result?.index === "number" ? m.result.index : undefined;
    self.postMessage({
      type: "error",
      batchId,
      index,
      code: "unclonable",
      message: `the worker's result could not be posted (${err instanceof Error ? err.name : "error"}: ${errorMessage(err)})`,
    });
  }
}

/**
 * Validates before posting so a malformed response is reported here, with the field at fault.
 * A result was validated by processFile already and goes as is (the main thread checks its envelope
 * and its chunks' integrity: checkWorkerResponse).
 */
function post(msg: WorkerResponse): void {
  if (msg.type === "result") return send(msg);
  const checked = v.safeParse(WorkerResponseSchema, msg);
  if (checked.success) return send(checked.output);
  send({
    type: "error",
    batchId: "batchId" in msg ? msg.batchId : 0,
    code: "protocol",
    message: `worker produced an invalid ${msg.type} message: ${describeIssues(checked.issues)}`,
  });
}

async function chunkBatch(req: ChunkRequest): Promise<void> {
  const faults = new Map(req.faults?.map((f) => [f.index, f.kind]));
  for (const file of req.files) {
    await turnEventLoop();
    const fault = faults.get(file.index);
    if (fault && (await injectFault(fault, req.batchId, file, req.governor, req.limits, send))) continue;
    const result = processFile(file, req.governor, {
      limits: req.limits,
      ...(fault === "throw" && { beforeChunk: throwFault(file) }),
    });
    post({ type: "result", batchId: req.batchId, result });
  }
  post({ type: "batch-done", batchId: req.batchId, count: req.files.length });
}

// Requests are handled one at a time, in arrival order: the main thread infers which file is
// running from the order of results, which is what makes per-file timeouts and blame exact.
const queue: WorkerRequest[] = [];
let draining = false;

async function drain(): Promise<void> {
  draining = true;
  while (queue.length > 0) {
    const req = queue.shift()!;
    try {
      if (req.type === "init") {
        if (req.rankTables) adoptRankTables(req.rankTables);
        warmUp(req.governor);
        post({ type: "ready" });
      } else if (req.type === "probe")
        post({ type: "probe-result", batchId: req.batchId, languages: probeLanguages(req.languages) });
      else if (req.type === "echo") post(echoReply(req.batchId, req.schema, req.value));
      else await chunkBatch(req);
    } catch (err) {
      post({
        type: "error",
        batchId: "batchId" in req ? req.batchId : 0,
        code: "worker-error",
        message: errorMessage(err),
      });
    }
  }
  draining = false;
}

self.onmessage = (event: MessageEvent) => {
  const parsed = v.safeParse(WorkerRequestSchema, event.data);
  if (!parsed.success) {
    const batchId = (event.data as { batchId?: unknown } | null)?.batchId;
    post({
      type: "error",
      batchId: typeof batchId === "number" && batchId >= 0 ? batchId : 0,
      code: "protocol",
      message: `worker received an invalid request: ${describeIssues(parsed.issues)}`,
    });
    return;
  }
  queue.push(parsed.output);
  if (!draining) void drain();
};
