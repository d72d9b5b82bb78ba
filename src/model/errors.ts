/**
 * An error that stays inside one thread (never posted or written as output): it carries a stable
 * code and, when there is one, the file it concerns. Across boundaries use FailureRecord instead.
 */
export class WeftError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = "WeftError";
  }
}

/** One-line text for any thrown value, without a stack trace. */
export function errorMessage(err: unknown): string {
  if (err instanceof WeftError) return err.file ? `${err.file}: ${err.message}` : err.message;
  if (err instanceof Error) return err.message.split("\n")[0] ?? String(err);
  return String(err).split("\n")[0] ?? "unknown error";
}
