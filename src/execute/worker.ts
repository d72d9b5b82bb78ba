// Worker entry. Must stay under src/ (next to or below cli.ts) so the compiled binary finds it.
import * as v from "valibot";
import { probeLanguages } from "../languages/probe.ts";
import { errorMessage } from "../model/errors.ts";
import { readAndChunk } from "./readFile.ts";
import { WorkerRequestSchema, WorkerResponseSchema, type WorkerResponse } from "./protocol.ts";

declare const self: Worker;

/** Validates before posting so a malformed response is caught here, with a clear message. */
function post(msg: WorkerResponse): void {
  const checked = v.safeParse(WorkerResponseSchema, msg);
  if (!checked.success) {
    const issue = checked.issues[0];
    self.postMessage({ type: "error", batchId: msg.batchId, code: "protocol", message: `worker produced an invalid ${msg.type} message: ${issue?.message ?? "?"}` });
    return;
  }
  self.postMessage(checked.output);
}

self.onmessage = (event: MessageEvent) => {
  const parsed = v.safeParse(WorkerRequestSchema, event.data);
  if (!parsed.success) {
    post({ type: "error", batchId: 0, code: "protocol", message: `worker received an invalid request: ${parsed.issues[0]?.message ?? "?"}` });
    return;
  }
  const req = parsed.output;
  try {
    if (req.type === "probe") post({ type: "probe-result", batchId: req.batchId, languages: probeLanguages(req.languages) });
    else post({ type: "results", batchId: req.batchId, results: req.files.map((f) => readAndChunk(f, req.governor)) });
  } catch (err) {
    post({ type: "error", batchId: req.batchId, code: "worker-error", message: errorMessage(err) });
  }
};
