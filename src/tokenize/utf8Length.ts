/**
 * UTF-8 bytes of the UTF-16 unit `c`: a high surrogate stands for its whole pair (4 bytes), so
 * callers skip the low half that follows it. (Text decoded from files never holds a lone surrogate.)
 */
export function utf8Width(c: number): number {
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : 3;
}

/** UTF-8 byte length of a string. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const w = utf8Width(text.charCodeAt(i));
    n += w;
    if (w === 4) i++;
  }
  return n;
}
