// The release archives, read back by independent readers: the system's tar for .tar.gz, and for
// .zip a reader of the zip format written here (central directory, then inflate and CRC-32).
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, inflateRawSync } from "node:zlib";
import { archiveName, releaseArchive } from "../../build/archive.ts";

const binary = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
const license = "MIT License\n\nCopyright (c) the weft authors\n";
const notices = "weft: third-party notices\n".repeat(500);
const MTIME = 1_765_000_000;

type ZipFile = { name: string; bytes: Uint8Array; mode: number };

function readZip(zip: Uint8Array): ZipFile[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const files: ZipFile[] = [];
  for (let i = 0; i < count; i++) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const size = view.getUint32(at + 24, true);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    const mode = view.getUint32(at + 38, true) >>> 16;
    const local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLen));
    expect(view.getUint32(local, true)).toBe(0x04034b50);
    const dataAt = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const compressed = view.getUint32(local + 18, true);
    expect(method).toBe(8);
    const bytes = new Uint8Array(inflateRawSync(zip.subarray(dataAt, dataAt + compressed)));
    expect(bytes.length).toBe(size);
    expect(crc32(bytes)).toBe(crc);
    files.push({ name, bytes, mode });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

describe("release archives", () => {
  test("names: weft-<target>.tar.gz, and .zip for Windows", () => {
    expect(archiveName("linux-x64", false)).toBe("weft-linux-x64.tar.gz");
    expect(archiveName("windows-x64", true)).toBe("weft-windows-x64.zip");
  });

  test(".tar.gz: tar extracts the binary (executable), LICENSE and the notices, byte for byte", () => {
    const dir = mkdtempSync(join(tmpdir(), "weft-archive-"));
    try {
      const archive = releaseArchive(binary, license, notices, false, MTIME);
      expect(archive.length).toBeLessThan(binary.length); // compressed
      writeFileSync(join(dir, "a.tar.gz"), archive);
      const list = Bun.spawnSync(["tar", "-tzvf", "a.tar.gz"], { cwd: dir, stdout: "pipe", stderr: "pipe" });
      expect(list.stderr.toString()).toBe("");
      expect(list.stdout.toString()).toContain("-rwxr-xr-x");
      const x = Bun.spawnSync(["tar", "-xzf", "a.tar.gz"], { cwd: dir, stderr: "pipe" });
      expect(x.exitCode).toBe(0);
      expect(new Uint8Array(readFileSync(join(dir, "weft")))).toEqual(binary);
      expect(statSync(join(dir, "weft")).mode & 0o777).toBe(0o755);
      expect(readFileSync(join(dir, "LICENSE"), "utf8")).toBe(license);
      expect(readFileSync(join(dir, "THIRD-PARTY-NOTICES.txt"), "utf8")).toBe(notices);
      expect(statSync(join(dir, "LICENSE")).mtimeMs).toBe(MTIME * 1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(".zip: weft.exe, LICENSE and the notices, deflated, with their modes", () => {
    const files = readZip(releaseArchive(binary, license, notices, true, MTIME));
    expect(files.map((f) => [f.name, f.mode.toString(8)])).toEqual([
      ["weft.exe", "100755"],
      ["LICENSE", "100644"],
      ["THIRD-PARTY-NOTICES.txt", "100644"],
    ]);
    expect(files[0]!.bytes).toEqual(binary);
    expect(new TextDecoder().decode(files[2]!.bytes)).toBe(notices);
  });

  test("the same inputs give the same bytes", () => {
    for (const windows of [false, true])
      expect(releaseArchive(binary, license, notices, windows, MTIME)).toEqual(
        releaseArchive(binary, license, notices, windows, MTIME),
      );
  });
});
