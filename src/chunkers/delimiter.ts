import type { DelimiterFamily } from "../languages/spec.ts";
import type { Fits } from "./semantic.ts";
import type { Unit } from "./unit.ts";

/** A line opens a definition when it matches this; its name becomes a symbol and a scope entry. */
const DEFINITION =
  /^\s*(?:(?:export|public|private|protected|internal|static|abstract|final|async|pub|local|global|override|inline|extern|unsafe|sealed|open|data|case)\s+)*(?:def|defp|defmodule|defprotocol|defimpl|defmacro|defun|defn|defclass|function|func|fn|fun|sub|proc|procedure|class|module|struct|interface|trait|impl|enum|record|object|type|message|service|macro|method|subroutine|program|resource|data|variable|output|template|namespace|package|schema|table|view|query|mutation|fragment|input|union|scalar|rule|target|task|let|val|var|const|create\s+(?:or\s+replace\s+)?(?:table|view|function|procedure|index|trigger))\s+(?:"|'|`)?([A-Za-z_$][\w.:!?$-]*)/i;
/** Lines that close a block rather than open one; they stay with the block before them. */
const CLOSER: Record<DelimiterFamily, RegExp> = {
  brace: /^\s*[}\])]/,
  indent: /^\s*[}\])]/,
  "end-keyword": /^\s*(?:end\b|end[a-z_]+\b|fi\b|done\b|esac\b|until\b|next\b|wend\b|loop\b|[}\])])/i,
  markup: /^\s*(?:<\/|-->|\}\}|%\}|[}\])])/,
  paragraph: /^$/,
  lisp: /^\s*[)\]}]/,
};
/** Headings start a new paragraph block even without a blank line before them. */
const HEADING =
  /^(?:#{1,6}\s|\\(?:part|chapter|section|subsection|subsubsection|paragraph)\*?\{|\.\.\s|=+\s|\[[^\]]+\]\s*$)/;

type Line = { start: number; end: number; blank: boolean; level: number; attach: boolean; comment: boolean };

/**
 * Units for a file without a usable syntax tree, from per-family rules: blocks are a line plus
 * the deeper lines after it (brace depth for brace languages when the braces balance, otherwise
 * indentation), closing lines stay with their block, comment lines join the block after them,
 * blank-line paragraphs for prose and data. A block that fits is one unit; a block too big
 * becomes its first line plus the units of the rest, recursively.
 */
export function delimiterUnits(text: string, family: DelimiterFamily, comments: readonly string[], fits: Fits): Unit[] {
  const lines = scanLines(text, family, comments);
  const units: Unit[] = [];
  const emit = (a: number, b: number, kind: string, scope: readonly string[], partial: boolean) => {
    const start = lines[a]!.start;
    const end = lines[b - 1]!.end;
    let first = a;
    while (first + 1 < b && lines[first]!.comment) first++;
    const m = DEFINITION.exec(text.slice(lines[first]!.start, Math.min(lines[first]!.end, lines[first]!.start + 400)));
    const unit: Unit = { start, end, kind, scope, partial };
    if (m?.[1] && kind === "block") unit.symbol = m[1];
    units.push(unit);
  };
  const blocks = (a: number, b: number, scope: readonly string[], partial: boolean): void => {
    if (a >= b) return;
    let min = Infinity;
    for (let i = a; i < b; i++) {
      const l = lines[i]!;
      if (!l.blank && !l.attach && !l.comment && l.level < min) min = l.level;
    }
    const starts: number[] = [];
    for (let i = a; i < b; i++) {
      const l = lines[i]!;
      if (l.blank || l.attach || l.comment || l.level !== min) continue;
      let s = i;
      // Comment lines right above (no blank line between) belong to this block.
      while (
        s > a &&
        lines[s - 1]!.comment &&
        !lines[s - 1]!.blank &&
        lines[s - 1]!.level === min &&
        (starts.length === 0 || s - 1 > starts[starts.length - 1]!)
      )
        s--;
      if (starts.length === 0 || s > starts[starts.length - 1]!) starts.push(s);
    }
    if (starts.length === 0 || starts[0] !== a) starts.unshift(a);
    for (let k = 0; k < starts.length; k++) {
      const s = starts[k]!;
      const e = k + 1 < starts.length ? starts[k + 1]! : b;
      if (fits(lines[s]!.start, lines[e - 1]!.end) || e - s === 1) {
        emit(s, e, e - s === 1 ? "line" : "block", scope, partial);
        continue;
      }
      // Too big: its head (up to the first line that opens it) alone, then the inside.
      let h = s;
      while (h + 1 < e && (lines[h]!.comment || lines[h]!.blank)) h++;
      const head = text.slice(lines[h]!.start, lines[h]!.end);
      const m = DEFINITION.exec(head) ?? (family === "paragraph" && HEADING.test(head) ? [head] : null);
      // The head belongs to the block: it gets the inner scope, so the packer keeps it with the body.
      const inner = m ? [...scope, head.trim().replace(/\s+/g, " ").slice(0, 120)] : scope;
      emit(s, h + 1, "header", inner, true);
      blocks(h + 1, e, inner, true);
    }
  };
  blocks(0, lines.length, [], false);
  return units;
}

/** Splits text into lines (each with its newline) and classifies them for the family. */
function scanLines(text: string, family: DelimiterFamily, comments: readonly string[]): Line[] {
  const lines: Line[] = [];
  const closer = CLOSER[family];
  const depths = family === "brace" ? braceDepths(text, comments) : undefined;
  let prevBlank = true;
  for (let s = 0, i = 0; s < text.length; i++) {
    const nl = text.indexOf("\n", s);
    const end = nl === -1 ? text.length : nl + 1;
    const raw = text.slice(s, end);
    const body = raw.trimStart();
    const blank = body.trim().length === 0;
    const indent = raw.length - body.length;
    const comment = !blank && comments.some((c) => body.startsWith(c));
    let attach = !blank && closer.test(raw);
    if (family === "paragraph") attach = !blank && !prevBlank && !HEADING.test(body);
    const level = family === "paragraph" ? 0 : depths ? depths[i]! : indentWidth(raw, indent);
    lines.push({ start: s, end, blank, level, attach, comment });
    prevBlank = blank;
    s = end;
  }
  return lines;
}

function indentWidth(line: string, n: number): number {
  let w = 0;
  for (let i = 0; i < n; i++) w += line.charCodeAt(i) === 9 ? 4 : 1;
  return w;
}

/**
 * Brace depth at the start of each line, skipping strings and comments; undefined when the
 * braces do not balance (the file then falls back to indentation).
 */
function braceDepths(text: string, comments: readonly string[]): number[] | undefined {
  const hash = comments.includes("#");
  const slashes = comments.includes("//");
  const dashes = comments.includes("--");
  const depths: number[] = [0];
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === "\n") {
      depths.push(depth);
      i++;
      continue;
    }
    if (c === "{" || c === "(" || c === "[") {
      depth++;
      i++;
      continue;
    }
    if (c === "}" || c === ")" || c === "]") {
      depth--;
      if (depth < 0) return undefined;
      i++;
      continue;
    }
    if (
      (slashes && c === "/" && text[i + 1] === "/") ||
      (hash && c === "#") ||
      (dashes && c === "-" && text[i + 1] === "-")
    ) {
      const nl = text.indexOf("\n", i);
      i = nl === -1 ? n : nl;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      const stop = close === -1 ? n : close + 2;
      for (let k = text.indexOf("\n", i); k !== -1 && k < stop; k = text.indexOf("\n", k + 1)) depths.push(depth);
      i = stop;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      // Strings end at their quote or, except template strings, at the end of the line (so a
      // stray apostrophe costs one line, not the file).
      let k = i + 1;
      while (k < n) {
        const d = text[k]!;
        if (d === "\\") {
          if (text[k + 1] === "\n") depths.push(depth);
          k += 2;
          continue;
        }
        if (d === c) {
          k++;
          break;
        }
        if (d === "\n") {
          if (c !== "`") break;
          depths.push(depth);
        }
        k++;
      }
      i = k;
      continue;
    }
    i++;
  }
  return depth === 0 ? depths : undefined;
}
