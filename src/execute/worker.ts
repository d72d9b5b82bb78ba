// Worker entry. Must stay under src/ (next to or below cli.ts) so the compiled binary finds it.
// Registration of parsers is process-global: the main thread registers the run's languages before
// it starts any worker, so a worker finds them registered.
import * as v from "valibot";
import { probeLanguages } from "../languages/probe.ts";
import { errorMessage } from "../model/errors.ts";
import type { DiscoveredFile } from "../model/file.ts";
import type { Governor } from "../model/governor.ts";
import { chunkFile } from "./chunkFile.ts";
import { describeIssues, WorkerRequestSchema, WorkerResponseSchema, type FaultKind, type WorkerRequest, type WorkerResponse } from "./protocol.ts";
import { processFile } from "./processFile.ts";
import { CLONE_REGISTRY } from "./cloneRegistry.ts";
import { readAndChunk } from "./readFile.ts";
import { yieldEvery } from "./yieldPoint.ts";

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
    self.postMessage({ type: "error", batchId, index, code: "unclonable", message: `the worker's result could not be posted (${err instanceof Error ? err.name : "error"}: ${errorMessage(err)})` });
  }
}

/**
 * Validates before posting so a malformed response is reported here, with the field at fault.
 * A result was validated by processFile already and goes as is (the main thread validates it again).
 */
function post(msg: WorkerResponse): void {
  if (msg.type === "result") return send(msg);
  const checked = v.safeParse(WorkerResponseSchema, msg);
  if (checked.success) return send(checked.output);
  send({ type: "error", batchId: "batchId" in msg ? msg.batchId : 0, code: "protocol", message: `worker produced an invalid ${msg.type} message: ${describeIssues(checked.issues)}` });
}

const never = new Promise<never>(() => {});

/**
 * Test-only misbehaviour (see FaultKindSchema). Returns true when the file has been dealt with
 * (its message was posted by the fault itself); the fatal kinds never return.
 */
async function injectFault(kind: FaultKind, req: ChunkRequest, file: DiscoveredFile): Promise<boolean> {
  const batchId = req.batchId;
  const what = `injected fault "${kind}" on ${file.path}`;
  switch (kind) {
    case "throw":
      return false; // thrown inside the per-file try below
    case "crash":
      setTimeout(() => { throw new Error(what); }, 0);
      return never;
    case "exit":
      process.exit(3);
    case "reject":
      void Promise.reject(new Error(what));
      return never;
    case "hang":
      for (;;) { /* endless synchronous loop: only terminate() ends it */ }
    case "unclonable":
      send({ type: "result", batchId, result: { ...readAndChunk(file, req.governor), notCloneable: () => what } });
      return true;
    case "invalid":
      send({ type: "result", batchId, result: { status: "chunked", index: file.index } });
      return true;
  }
}

// One for the worker's life, so the GC cadence follows bytes chunked, not batch boundaries.
const turn = yieldEvery();

async function chunkBatch(req: ChunkRequest): Promise<void> {
  const faults = new Map(req.faults?.map((f) => [f.index, f.kind]));
  for (const file of req.files) {
    await turn(file.size);
    const fault = faults.get(file.index);
    if (fault && (await injectFault(fault, req, file))) continue;
    const result = processFile(file, req.governor, fault === "throw" ? () => { throw new Error(`injected fault "throw" on ${file.path}`); } : undefined);
    post({ type: "result", batchId: req.batchId, result });
  }
  post({ type: "batch-done", batchId: req.batchId, count: req.files.length });
}

/**
 * Chunks a small in-memory sample so one-time costs (loading tokenizer tables, registering parsers)
 * are paid before the worker reports ready, and are never charged to the first real file's timeout.
 */
function warmUp(governor: Governor): void {
  const text = new TextEncoder().encode("export function warmUp(n: number): number {\n  return n + 1;\n}\n");
  chunkFile({ index: 0, path: "<warm-up>.ts", absPath: "", language: "typescript", languageSource: "extension", size: text.length }, text, governor);
}

/** Returns the value exactly as received (no parsed copy), noting whether it still fits its schema here. */
function echo(batchId: number, schema: string | undefined, value: unknown): WorkerResponse {
  const entry = schema === undefined ? undefined : CLONE_REGISTRY[schema];
  if (schema !== undefined && !entry) return { type: "echo-result", batchId, value, issue: `unknown schema ${schema}` };
  const checked = entry ? v.safeParse(entry.schema, value) : undefined;
  return checked && !checked.success ? { type: "echo-result", batchId, value, issue: describeIssues(checked.issues) } : { type: "echo-result", batchId, value };
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
        warmUp(req.governor);
        post({ type: "ready" });
      } else if (req.type === "probe") post({ type: "probe-result", batchId: req.batchId, languages: probeLanguages(req.languages) });
      else if (req.type === "echo") post(echo(req.batchId, req.schema, req.value));
      else await chunkBatch(req);
    } catch (err) {
      post({ type: "error", batchId: "batchId" in req ? req.batchId : 0, code: "worker-error", message: errorMessage(err) });
    }
  }
  draining = false;
}

self.onmessage = (event: MessageEvent) => {
  const parsed = v.safeParse(WorkerRequestSchema, event.data);
  if (!parsed.success) {
    const batchId = (event.data as { batchId?: unknown } | null)?.batchId;
    post({ type: "error", batchId: typeof batchId === "number" && batchId >= 0 ? batchId : 0, code: "protocol", message: `worker received an invalid request: ${describeIssues(parsed.issues)}` });
    return;
  }
  queue.push(parsed.output);
  if (!draining) void drain();
};
