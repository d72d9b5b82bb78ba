// The release archives: weft-<target>.tar.gz (a .zip for Windows) holding the binary, LICENSE and
// THIRD-PARTY-NOTICES.txt. Written here rather than by tar/zip so that the build needs no such tool
// and the bytes depend only on the inputs and the given time (same inputs, same sha256).
import { crc32, deflateRawSync, gzipSync } from "node:zlib";

/** One file in an archive: its path inside it ("a/b", at most 100 bytes), bytes and mode. */
export type ArchiveEntry = { name: string; bytes: Uint8Array; mode: 0o755 | 0o644 };

const enc = new TextEncoder();

/** Writes `text` into `block` at `at` as ASCII, at most `len` bytes. */
function put(block: Uint8Array, at: number, len: number, text: string): void {
  const bytes = enc.encode(text);
  if (bytes.length > len) throw new Error(`tar: "${text}" does not fit in ${len} bytes`);
  block.set(bytes, at);
}

/** `n` in octal, zero-padded to `len - 1` digits and NUL-terminated (ustar's numeric fields). */
const octal = (n: number, len: number) => `${n.toString(8).padStart(len - 1, "0")}\0`;

/** A ustar archive of `entries` (regular files, owner 0:0, modification time `mtime` in seconds). */
export function tar(entries: readonly ArchiveEntry[], mtime: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const h = new Uint8Array(512);
    put(h, 0, 100, e.name);
    put(h, 100, 8, octal(e.mode, 8));
    put(h, 108, 8, octal(0, 8));
    put(h, 116, 8, octal(0, 8));
    put(h, 124, 12, octal(e.bytes.length, 12));
    put(h, 136, 12, octal(mtime, 12));
    h.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
    h[156] = 0x30; // "0": a regular file
    put(h, 257, 6, "ustar\0");
    put(h, 263, 2, "00");
    put(h, 265, 32, "root");
    put(h, 297, 32, "root");
    const sum = h.reduce((a, b) => a + b, 0);
    put(h, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
    parts.push(h, e.bytes, new Uint8Array((512 - (e.bytes.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024)); // two zero blocks end the archive
  return concat(parts);
}

/** `weft-<target>.tar.gz`'s bytes: the tar of `entries`, gzip (level 9 unless given). */
export function tarGz(entries: readonly ArchiveEntry[], mtime: number, level = 9): Uint8Array {
  return gzipSync(tar(entries, mtime), { level });
}

/** MS-DOS date and time of a Unix time (UTC), as zip stores them. */
function dosTime(seconds: number): { time: number; date: number } {
  const d = new Date(Math.max(seconds, 315532800) * 1000); // zip cannot say before 1980
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** A zip archive of `entries`, each deflated (level 9), with Unix modes recorded. */
export function zip(entries: readonly ArchiveEntry[], mtime: number): Uint8Array {
  const { time, date } = dosTime(mtime);
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const data = deflateRawSync(e.bytes, { level: 9 });
    const crc = crc32(e.bytes);
    if (data.length >= 0xffffffff || e.bytes.length >= 0xffffffff) throw new Error(`zip: ${e.name} needs zip64`);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true); // version needed: 2.0 (deflate)
    local.setUint16(6, 0x0800, true); // names are UTF-8
    local.setUint16(8, 8, true); // deflate
    local.setUint16(10, time, true);
    local.setUint16(12, date, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, data.length, true);
    local.setUint32(22, e.bytes.length, true);
    local.setUint16(26, name.length, true);
    locals.push(new Uint8Array(local.buffer), name, data);
    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(4, (3 << 8) | 20, true); // made by Unix, so the mode below is read
    central.setUint16(6, 20, true);
    central.setUint16(8, 0x0800, true);
    central.setUint16(10, 8, true);
    central.setUint16(12, time, true);
    central.setUint16(14, date, true);
    central.setUint32(16, crc, true);
    central.setUint32(20, data.length, true);
    central.setUint32(24, e.bytes.length, true);
    central.setUint16(28, name.length, true);
    central.setUint32(38, ((0o100000 | e.mode) << 16) >>> 0, true);
    central.setUint32(42, offset, true);
    centrals.push(new Uint8Array(central.buffer), name);
    offset += 30 + name.length + data.length;
  }
  const dir = concat(centrals);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, dir.length, true);
  end.setUint32(16, offset, true);
  return concat([...locals, dir, new Uint8Array(end.buffer)]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The archive's file name for a target: weft-<target>.tar.gz, or .zip for Windows. */
export function archiveName(targetId: string, windows: boolean): string {
  return `weft-${targetId}${windows ? ".zip" : ".tar.gz"}`;
}

/**
 * A release archive for one target: the binary (`weft`, or `weft.exe` for Windows), LICENSE and
 * THIRD-PARTY-NOTICES.txt.
 */
export function releaseArchive(
  binary: Uint8Array,
  license: string,
  notices: string,
  windows: boolean,
  mtime: number,
  /** gzip level of a .tar.gz (tests use 1: 2 s instead of 10+ for a real binary). */
  level = 9,
): Uint8Array {
  const entries: ArchiveEntry[] = [
    { name: windows ? "weft.exe" : "weft", bytes: binary, mode: 0o755 },
    { name: "LICENSE", bytes: enc.encode(license), mode: 0o644 },
    { name: "THIRD-PARTY-NOTICES.txt", bytes: enc.encode(notices), mode: 0o644 },
  ];
  return windows ? zip(entries, mtime) : tarGz(entries, mtime, level);
}
