import { expect, test } from "bun:test";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSink } from "../../src/output/sink.ts";
import { WeftError } from "../../src/model/errors.ts";

test("buffers until the limit or flush, and writes everything in order", () => {
  const path = join(mkdtempSync(join(tmpdir(), "weft-sink-")), "out");
  const fd = openSync(path, "w");
  const sink = createSink(fd, { bufferBytes: 100 });
  sink.write("a".repeat(60));
  expect(readFileSync(path, "utf8")).toBe(""); // still buffered
  sink.write("é🎉\n".repeat(30)); // crosses the limit: written
  expect(readFileSync(path, "utf8").length).toBe(60 + 4 * 30);
  sink.write("tail\n");
  sink.flush();
  closeSync(fd);
  expect(readFileSync(path, "utf8")).toBe(`${"a".repeat(60)}${"é🎉\n".repeat(30)}tail\n`);
});

test("a write error other than EPIPE closes the sink and reports an output error, without throwing", () => {
  const path = join(mkdtempSync(join(tmpdir(), "weft-sink-")), "ro");
  closeSync(openSync(path, "w"));
  const fd = openSync(path, "r"); // not writable: EBADF
  const errors: (WeftError | undefined)[] = [];
  const sink = createSink(fd, { onClosed: (e) => errors.push(e) });
  sink.write("x\n");
  sink.flush();
  sink.write("y\n");
  sink.flush();
  closeSync(fd);
  expect(sink.isClosed()).toBe(true);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(WeftError);
  expect(errors[0]!.code).toBe("output");
  expect(errors[0]!.message).toMatch(/^cannot write output: /);
});

test("a text longer than the buffer, texts with astral and lone surrogates: bytes as Buffer.from gives them, in order", () => {
  const path = join(mkdtempSync(join(tmpdir(), "weft-sink-")), "out");
  const fd = openSync(path, "w");
  const sink = createSink(fd, { bufferBytes: 64 });
  const texts = ["small\n", "🧵中".repeat(100_000), "\ud800 lone\n", "x".repeat(63), "é\n"];
  for (const t of texts) sink.write(t);
  sink.flush();
  closeSync(fd);
  expect(readFileSync(path).equals(Buffer.from(texts.join("")))).toBe(true);
});

test("bytes (cached records) go out in order with the text around them, and the caller may reuse their buffer at once", () => {
  const path = join(mkdtempSync(join(tmpdir(), "weft-sink-")), "out");
  const fd = openSync(path, "w");
  const sink = createSink(fd, { bufferBytes: 100 });
  const reused = new Uint8Array(4);
  sink.write("a\n");
  reused.set(Buffer.from("bb\n\n"));
  sink.writeBytes(reused.subarray(0, 3));
  reused.set(Buffer.from("XXXX")); // overwritten right after: must not show
  sink.write("c\n");
  sink.flush();
  closeSync(fd);
  expect(readFileSync(path, "utf8")).toBe("a\nbb\nc\n");
});
