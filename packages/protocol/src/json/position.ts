/**
 * Turning an offset into the words of an error message. Only called on the error path, so the hot
 * path never counts lines.
 */

export interface TextPosition {
  position: number;
  line: number;
  column: number;
}

/** 1-based line and column of a 0-based offset (CRLF, LF and lone CR all end a line). */
export function locate(text: string, position: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(position, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { position, line, column: position - lineStart + 1 };
}

/** "Unexpected character 'x'" or "Unexpected end of input", quoting invisible characters. */
export function describeUnexpected(text: string, position: number): string {
  if (position >= text.length) return "Unexpected end of input";
  const cp = text.codePointAt(position) ?? 0;
  const ch = String.fromCodePoint(cp);
  const shown = cp < 0x20 || cp === 0x7f ? `\\u${cp.toString(16).padStart(4, "0")}` : ch;
  return `Unexpected character '${shown}'`;
}
