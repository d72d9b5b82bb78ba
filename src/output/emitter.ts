import type { FileResult } from "../model/result.ts";

/** Turns results, in file order, into one output format on a sink. */
export type Emitter = {
  result(result: FileResult): void;
  /** Completes the document (json needs its closing brace); also called after an interruption. */
  end(): void;
};
