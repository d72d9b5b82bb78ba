import type { DelimiterFamily } from "../languages/spec.ts";
import { checkInterrupt } from "../model/interrupt.ts";
import type { Fits, Unit } from "./unit.ts";

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

/**
 * Brace languages: lines that continue the header or statement before them rather than start a
 * block: `extends` / `implements` / `where` / `throws` / `permits` clauses, Scala `with`, arrows
 * (`=> x`, `-> T`), unions (`| B`) and other operator continuations (`? a`, `|| b`). They continue
 * a line not ending with `;` (nor a blank line): `} extends infer X` and `}\n  ? A : B` do.
 */
const CONTINUATION = /^\s*(?:(?:extends|implements|where|throws|permits)\b|with\s+\w|=>|->|\?|\|)/;
/**
 * Weaker continuations: base and initializer lists (`: Base`), intersections (`& C`, `&& b`), method
 * chains (`.pipe(...)`, not `...spread`), the `>` closing a type parameter list. They continue
 * only a line ending with neither `;` nor `}`, since CSS and Less rules start with `:`, `&`, `.`
 * and `>`.
 */
const OPEN_CONTINUATION = /^\s*(?::(?!:)|&|>|\.(?!\.\.))/;

type Line = { start: number; end: number; blank: boolean; level: number; attach: boolean; comment: boolean };

/**
 * Units for a file without a usable syntax tree, or for a region [start, end) of one (an ERROR
 * region of a tree: the units then tile exactly that region, its first line starting at `start`),
 * from per-family rules: blocks are a line plus the deeper lines after it (brace depth for brace
 * languages when the braces balance, otherwise indentation), closing lines stay with their block,
 * comment lines join the block after them, blank-line paragraphs for prose and data. In brace
 * languages a header stays whole: a type parameter list over several lines counts as a bracket,
 * `extends` / `where` / ... continuation lines, a closing `>` line and an own-line `{` belong to
 * the block they open. A block that fits is one unit; a block too big becomes its first line plus
 * the units of the rest, recursively.
 */
export function delimiterUnits(
  text: string,
  family: DelimiterFamily,
  comments: readonly string[],
  fits: Fits,
  start = 0,
  end = text.length,
): Unit[] {
  const lines = scanLines(text, family, comments, start, end);
  const units: Unit[] = [];
  const emit = (a: number, b: number, kind: string, scope: readonly string[], partial: boolean) => {
    const from = lines[a]!.start;
    const to = lines[b - 1]!.end;
    let first = a;
    while (first + 1 < b && lines[first]!.comment) first++;
    const m = DEFINITION.exec(text.slice(lines[first]!.start, Math.min(lines[first]!.end, lines[first]!.start + 400)));
    const unit: Unit = { start: from, end: to, kind, scope, partial };
    // A name ends before a type annotation (`const readWith: <A>(...) => ...`).
    if (m?.[1] && kind === "block") unit.symbol = m[1].replace(/[:.]+$/, "");
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
      // Comment lines right above (no blank line between) belong to this block; a run of them may
      // hold deeper lines (` * ...` of a `/**` comment when levels come from indentation) as
      // long as it reaches up to one at this level.
      for (
        let t = i;
        t > a &&
        lines[t - 1]!.comment &&
        !lines[t - 1]!.blank &&
        lines[t - 1]!.level >= min &&
        (starts.length === 0 || t - 1 > starts[starts.length - 1]!);
        t--
      )
        if (lines[t - 1]!.level === min) s = t - 1;
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

/** Splits text[start, end) into lines (each with its newline) and classifies them for the family. */
function scanLines(
  text: string,
  family: DelimiterFamily,
  comments: readonly string[],
  start: number,
  end: number,
): Line[] {
  const lines: Line[] = [];
  const closer = CLOSER[family];
  const brace = family === "brace";
  const depths = brace ? braceDepths(text, comments, start, end) : undefined;
  let prevBlank = true;
  // The last code line (not blank, not a comment) ends a header still open; or it leaves the
  // next line to continue it (see carries).
  let open = false;
  let carry: "line" | "list" | undefined;
  // The level of an open `template <...>` header (C++), and whether the last code line ended with `>`.
  let template: number | undefined;
  let closedAngle = false;
  // The last character of the last code line (`;` and `}` end what a continuation line could continue).
  let ended: string | undefined = ";";
  for (let s = start, i = 0; s < end; i++) {
    if ((i & 0x3fff) === 0x3fff) checkInterrupt(); // every 16,384 lines
    const nl = text.indexOf("\n", s);
    const e = nl === -1 || nl >= end ? end : nl + 1;
    const raw = text.slice(s, e);
    const body = raw.trimStart();
    const blank = body.trim().length === 0;
    const indent = raw.length - body.length;
    const comment = !blank && comments.some((c) => body.startsWith(c));
    let attach = !blank && closer.test(raw);
    let clause = false;
    if (brace && !blank && !comment) {
      clause =
        (ended !== ";" && !prevBlank && CONTINUATION.test(raw)) ||
        (ended !== ";" && ended !== "}" && !prevBlank && OPEN_CONTINUATION.test(raw)) ||
        body[0] === ")" ||
        (carry === "list" && !attach);
      attach ||=
        clause || carry === "line" || (carry === "list" && !prevBlank) || (body.startsWith("{") && open && !prevBlank);
      // The declaration after a `template <...>` header (on one line or several) is part of it.
      const level = depths?.[i];
      if (template !== undefined && level !== undefined && level <= template && !/^template\b/.test(body)) {
        attach ||= level === template && closedAngle;
        template = undefined;
      }
      if (level !== undefined && /^template\s*</.test(body)) template = level;
    }
    if (family === "paragraph") attach = !blank && !prevBlank && !HEADING.test(body);
    const level = family === "paragraph" ? 0 : depths ? depths[i]! : indentWidth(raw, indent);
    lines.push({ start: s, end: e, blank, level, attach, comment });
    if (!comment) {
      const code = codeOf(body, comments).trimEnd();
      open = !blank && opensHeader(code);
      closedAngle = code.endsWith(">") && !code.endsWith("->") && !code.endsWith("=>");
      carry = blank ? undefined : carries(code, clause);
      ended = code[code.length - 1];
    }
    prevBlank = blank;
    s = e;
  }
  return lines;
}

/** A code line that does not end with `;` `,` `{` `}` `(` `[` leaves its header open: a `{` line after it opens its body. */
function opensHeader(code: string): boolean {
  let k = code.length - 1;
  while (k >= 0 && code.charCodeAt(k) <= 32) k--;
  return k >= 0 && !";,{}([".includes(code[k]!);
}

/**
 * How a code line makes the next one continue it: "line" after a line ending with an operator
 * (`=`, `=>`, `&&`, `||`, `?`, `:`) or a clause keyword (`... extends`); "list" after a header
 * clause line (`extends A,`, `) : Base,`) ending with a comma.
 */
function carries(code: string, clause: boolean): "line" | "list" | undefined {
  const n = code.length;
  const last = code[n - 1];
  if (last === "=" || last === "?" || last === ":") return "line";
  if (last === ">" || last === "&" || last === "|")
    return code[n - 2] === (last === ">" ? "=" : last) ? "line" : undefined;
  if (last === "," && clause) return "list";
  // Only the last word is looked at (a regex anchored at the end would scan the whole line).
  if (last === "s" || last === "e") return CLAUSE_WORDS.has(wordBefore(code, n)) ? "line" : undefined;
  return undefined;
}

const CLAUSE_WORDS = new Set(["extends", "implements", "where", "throws"]);

/** The identifier ending at end (exclusive) in text, or "" when the character before end is not one. */
function wordBefore(text: string, end: number, start = 0): string {
  let k = end;
  while (k > start && isIdent(text.charCodeAt(k - 1))) k--;
  return text.slice(k, end);
}

/** [A-Za-z0-9_$] */
function isIdent(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

/** A line without its trailing `//` comment (roughly: the first ` //` not inside a string is taken). */
function codeOf(body: string, comments: readonly string[]): string {
  if (!comments.includes("//")) return body;
  const k = body.indexOf(" //");
  return k === -1 ? body : body.slice(0, k);
}

function indentWidth(line: string, n: number): number {
  let w = 0;
  for (let i = 0; i < n; i++) w += line.charCodeAt(i) === 9 ? 4 : 1;
  return w;
}

/**
 * Brace depth at the start of each line of text[start, end), skipping strings and comments;
 * undefined when the braces do not balance (the file then falls back to indentation). A type
 * parameter or argument list spanning lines (`<` ... `>`, see angleClose) counts as a bracket,
 * and so does a `where` clause from its keyword to the `{` or `;` ending it, so that lines
 * inside them are deeper than the header that opens them.
 */
function braceDepths(text: string, comments: readonly string[], start: number, end: number): number[] | undefined {
  const hash = comments.includes("#");
  const slashes = comments.includes("//");
  const dashes = comments.includes("--");
  const depths: number[] = [0];
  let depth = 0;
  let i = start;
  const n = end;
  // Positions of the `>` closing each open multi-line angle list, innermost last.
  const angles: number[] = [];
  // The depth at which an open `where` clause started (-1: none).
  let where = -1;
  let lineStart = true;
  // Character codes, not one-character strings: this loop sees every character of the file.
  let steps = 0;
  while (i < n) {
    if ((++steps & 0x3ffff) === 0) checkInterrupt(); // every 262,144 steps
    // A `>` skipped inside a string the angle scan did not see as one still closes its list.
    while (angles.length > 0 && i > angles[angles.length - 1]!) {
      angles.pop();
      depth--;
    }
    const c = text.charCodeAt(i);
    if (c === NL) {
      depths.push(depth);
      lineStart = true;
      i++;
      continue;
    }
    if (c === SPACE || c === TAB || c === CR) {
      i++;
      continue;
    }
    const atLineStart = lineStart;
    lineStart = false;
    if (where === depth && (c === LBRACE || c === SEMI)) {
      where = -1;
      depth--;
    }
    if (c === LBRACE || c === LPAREN || c === LBRACKET) {
      depth++;
      i++;
      continue;
    }
    if (c === RBRACE || c === RPAREN || c === RBRACKET) {
      if (where === depth) {
        where = -1;
        depth--;
      }
      depth--;
      if (depth < 0) return undefined;
      i++;
      continue;
    }
    if (c === LT) {
      const close = angles.length > 0 || angleOpener(text, i, start) ? angleClose(text, i, n) : -1;
      // Only a list that spans lines changes a line's depth.
      if (close !== -1 && text.lastIndexOf("\n", close) > i) {
        angles.push(close);
        depth++;
      }
      i++;
      continue;
    }
    if (c === GT && angles.length > 0 && i === angles[angles.length - 1]) {
      angles.pop();
      depth--;
      i++;
      continue;
    }
    if (
      c === W &&
      atLineStart &&
      where === -1 &&
      /^where\b/.test(text.slice(i, i + 6)) &&
      !/^where\s*[:=(.,;)]/.test(text.slice(i, i + 12))
    ) {
      where = depth + 1;
      depth++;
      i += 5;
      continue;
    }
    const next = text.charCodeAt(i + 1);
    if ((slashes && c === SLASH && next === SLASH) || (hash && c === HASH) || (dashes && c === DASH && next === DASH)) {
      const nl = text.indexOf("\n", i);
      i = nl === -1 || nl > n ? n : nl;
      continue;
    }
    if (c === SLASH && next === STAR) {
      const close = text.indexOf("*/", i + 2);
      const stop = close === -1 || close + 2 > n ? n : close + 2;
      for (let k = text.indexOf("\n", i); k !== -1 && k < stop; k = text.indexOf("\n", k + 1)) depths.push(depth);
      i = stop;
      continue;
    }
    if (slashes && c === SLASH) {
      const stop = regexEnd(text, i, start, n);
      if (stop !== -1) {
        i = stop;
        continue;
      }
    }
    if (c === DQUOTE || c === SQUOTE || c === BACKTICK) {
      // Strings end at their quote or, except template strings, at the end of the line (so a
      // stray apostrophe costs one line, not the file).
      let k = i + 1;
      while (k < n) {
        const d = text.charCodeAt(k);
        if (d === BACKSLASH) {
          if (text.charCodeAt(k + 1) === NL) depths.push(depth);
          k += 2;
          continue;
        }
        if (d === c) {
          k++;
          break;
        }
        if (d === NL) {
          if (c !== BACKTICK) break;
          depths.push(depth);
        }
        k++;
      }
      i = k;
      continue;
    }
    i++;
  }
  if (where !== -1) depth--;
  depth -= angles.length;
  return depth === 0 ? depths : undefined;
}

// Character codes for braceDepths.
const NL = 10; // \n
const SPACE = 32; //
const TAB = 9; // \t
const CR = 13; // \r
const SEMI = 59; // ;
const W = 119; // w
const HASH = 35; // #
const DASH = 45; // -
const SLASH = 47; // /
const STAR = 42; // *
const BACKSLASH = 92; // \\
const LBRACE = 123; // {
const LPAREN = 40; // (
const LBRACKET = 91; // [
const RBRACE = 125; // }
const RPAREN = 41; // )
const RBRACKET = 93; // ]
const LT = 60; // <
const GT = 62; // >
const DQUOTE = 34; // "
const SQUOTE = 39; // '
const BACKTICK = 96; // `

/**
 * The end of the regular expression literal starting at the `/` at i (JavaScript and its kin:
 * `/` after `(`, `,`, `=`, `:`, `[`, `!`, `&`, `|`, `?`, `{`, `}`, `;` or `return`, closed on
 * the same line outside a character class), or -1 when it is not one (a division).
 */
function regexEnd(text: string, i: number, start: number, n: number): number {
  let k = i - 1;
  while (k >= start && (text[k] === " " || text[k] === "\t")) k--;
  if (k < start || text[k] === "\n") return -1;
  if (!"(,=:[!&|?{};".includes(text[k]!) && !/(?:^|[^\w$])return$/.test(text.slice(Math.max(start, k - 6), k + 1)))
    return -1;
  let inClass = false;
  for (let j = i + 1; j < n; j++) {
    const d = text[j]!;
    if (d === "\n") return -1;
    if (d === "\\") j++;
    else if (d === "[") inClass = true;
    else if (d === "]") inClass = false;
    else if (d === "/" && !inClass) return j + 1;
  }
  return -1;
}

/**
 * Whether the `<` at i may open a type parameter or argument list: right after a name
 * (`Effect<`, `impl<`, `List<`), or after `=`, `(`, `,`, `:` or a word of ANGLE_KEYWORDS and a space
 * (`template <typename T>`, `fun <T> f`, `public <T> T f`, `= <A>(a: A) =>`, `=> <A>(a: A) =>`). Comparisons are usually written
 * with a space after a name (`a < b`); the ones that are not fail angleClose.
 */
function angleOpener(text: string, i: number, start: number): boolean {
  if (i === start) return false;
  const before = text[i - 1]!;
  // `Context.Reference<Self>()<...>`: a call's result taking type arguments.
  if (isIdent(text.charCodeAt(i - 1)) || before === ")") return true;
  if (text[i + 1] === "<" || text[i + 1] === "=" || text[i - 1] === "<") return false;
  let k = i - 1;
  while (k > start && (text[k] === " " || text[k] === "\t" || text[k] === "\n" || text[k] === "\r")) k--;
  const p = text[k]!;
  if (p === "=" || p === "(" || p === "," || p === ":") return text[k - 1] !== "=" && text[k - 1] !== "!";
  // A curried generic function: `(field: D) =>\n<R, P>(...) =>`.
  if (p === ">" && text[k - 1] === "=") return true;
  return isIdent(text.charCodeAt(k)) && ANGLE_KEYWORDS.has(wordBefore(text, k + 1, start));
}

/** Words a type parameter list may follow after a space: C++ `template <`, Kotlin `fun <`, Java `public <` and other modifiers. */
const ANGLE_KEYWORDS = new Set([
  "template",
  "fun",
  "public",
  "private",
  "protected",
  "static",
  "final",
  "abstract",
  "synchronized",
  "default",
  "native",
  "internal",
  "inline",
  "override",
]);

/** Most lines and characters a type parameter list may span; a longer candidate is taken for comparisons (and the scan stays linear on pathological lines). */
const ANGLE_LINES = 80;
const ANGLE_CHARS = 8000;

/**
 * The index of the `>` closing the `<` at i, when what lies between can be a list of types:
 * brackets balance inside it, and no `;` outside brackets, `&&`, `||`, `==` or `!=` comes first
 * (comparisons and shifts in code); -1 otherwise. Strings and comments are skipped; `=>` and
 * `->` are arrows, not closers.
 */
function angleClose(text: string, i: number, n: number): number {
  let angle = 1;
  let bracket = 0;
  let lines = 0;
  const stop = Math.min(n, i + ANGLE_CHARS);
  for (let k = i + 1; k < stop; k++) {
    const c = text[k]!;
    switch (c) {
      case "\n":
        if (++lines > ANGLE_LINES) return -1;
        break;
      case "<":
        angle++;
        break;
      case ">":
        if (text[k - 1] === "=" || text[k - 1] === "-") break;
        if (--angle === 0) return bracket === 0 ? k : -1;
        break;
      case "(":
      case "[":
      case "{":
        bracket++;
        break;
      case ")":
      case "]":
      case "}":
        if (--bracket < 0) return -1;
        break;
      case ";":
        if (bracket === 0) return -1;
        break;
      case "&":
      case "|":
        if (text[k + 1] === c) return -1;
        break;
      case "=":
      case "!":
        if (text[k + 1] === "=") return -1;
        break;
      case '"':
      case "`": {
        const q = text.indexOf(c, k + 1);
        if (q === -1 || (c === '"' && text.lastIndexOf("\n", q) > k)) return -1;
        k = q;
        break;
      }
      case "/":
        if (text[k + 1] === "/") {
          const nl = text.indexOf("\n", k);
          if (nl === -1) return -1;
          k = nl - 1;
        } else if (text[k + 1] === "*") {
          const e = text.indexOf("*/", k + 2);
          if (e === -1) return -1;
          k = e + 1;
        }
        break;
    }
  }
  return -1;
}
