/**
 * The request-body reader of docs/design.md §3.2: strict JSON grammar, with exactly the documented
 * leniencies and nothing more —
 *   - object keys are trimmed at every depth (the standard's own examples send `"deviceID "`);
 *   - an integer beyond Number.MAX_SAFE_INTEGER is kept as its exact digit string (the standard
 *     sends `"UserID": 100013954770780042`, which a double would silently round);
 *   - an empty or all-whitespace text is `{}` (the standard's logout/unregister bodies are `{ }`,
 *     and an empty POST body carries no fields either).
 * Everything else that is not JSON (comments, curly quotes, trailing garbage, missing commas) is an
 * error naming line, column and what was found — never a guess, never a throw.
 *
 * Hand-written single pass: trimming keys and keeping big integers inside JSON.parse would need a
 * second walk (reviver) and a pre-scan, and JSON.parse's errors carry no line/column. Hostile input
 * is bounded by a nesting depth and a member-count limit.
 */
import { describeUnexpected, locate } from "./position.ts";

export interface LenientJsonOptions {
  /** Deepest allowed nesting of arrays/objects (default 64). */
  maxDepth?: number;
  /** Most elements in one array (default 10,000). */
  maxArrayLength?: number;
  /** Most members in one object (default 10,000): the same hostile-input guard for objects. */
  maxObjectKeys?: number;
}

export interface LenientJsonError {
  message: string;
  /** Offset in UTF-16 code units from the start of the text (0-based). */
  position: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

export type LenientJsonResult = { ok: true; value: unknown } | { ok: false; error: LenientJsonError };

const DEFAULT_MAX_DEPTH = 64;
const DEFAULT_MAX_ARRAY = 10_000;
const DEFAULT_MAX_KEYS = 10_000;

/** Internal control flow only: thrown on the error path, always caught in parseLenientJson. */
class JsonSyntaxError {
  constructor(
    readonly position: number,
    readonly detail: string,
    readonly expected?: string,
  ) {}
}

// Character codes used by the scanner.
const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const LOWER_E = 101;
const UPPER_E = 69;

class Parser {
  pos = 0;
  private readonly maxDepth: number;
  private readonly maxArray: number;
  private readonly maxKeys: number;

  constructor(
    private readonly text: string,
    options: LenientJsonOptions,
  ) {
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxArray = options.maxArrayLength ?? DEFAULT_MAX_ARRAY;
    this.maxKeys = options.maxObjectKeys ?? DEFAULT_MAX_KEYS;
  }

  skipWhitespace(): void {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === SPACE || c === LF || c === CR || c === TAB) p++;
      else break;
    }
    this.pos = p;
  }

  fail(expected?: string): never {
    throw new JsonSyntaxError(this.pos, "", expected);
  }

  value(depth: number): unknown {
    this.skipWhitespace();
    const c = this.text.charCodeAt(this.pos);
    if (c === QUOTE) return this.string();
    if (c === LBRACE) return this.object(depth + 1);
    if (c === LBRACKET) return this.array(depth + 1);
    if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) return this.number();
    if (this.text.startsWith("true", this.pos)) {
      this.pos += 4;
      return true;
    }
    if (this.text.startsWith("false", this.pos)) {
      this.pos += 5;
      return false;
    }
    if (this.text.startsWith("null", this.pos)) {
      this.pos += 4;
      return null;
    }
    return this.fail("a JSON value");
  }

  checkDepth(depth: number): void {
    if (depth > this.maxDepth) {
      throw new JsonSyntaxError(this.pos, `Nesting deeper than ${this.maxDepth} levels`);
    }
  }

  object(depth: number): Record<string, unknown> {
    this.checkDepth(depth);
    this.pos++; // {
    const out: Record<string, unknown> = {};
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === RBRACE) {
      this.pos++;
      return out;
    }
    let count = 0;
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== QUOTE) this.fail("'\"' to start an object key");
      const key = this.string().trim();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== COLON) this.fail("':' after an object key");
      this.pos++;
      const v = this.value(depth);
      if (++count > this.maxKeys) {
        throw new JsonSyntaxError(this.pos, `Object with more than ${this.maxKeys} members`);
      }
      // "__proto__" as a plain assignment would replace the prototype; JSON.parse makes it an own
      // property, and so do we.
      if (key === "__proto__") {
        Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      } else {
        out[key] = v;
      }
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      if (c === COMMA) {
        this.pos++;
        continue;
      }
      if (c === RBRACE) {
        this.pos++;
        return out;
      }
      this.fail("',' or '}' after an object member");
    }
  }

  array(depth: number): unknown[] {
    this.checkDepth(depth);
    this.pos++; // [
    const out: unknown[] = [];
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === RBRACKET) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      if (out.length > this.maxArray) {
        throw new JsonSyntaxError(this.pos, `Array longer than ${this.maxArray} elements`);
      }
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      if (c === COMMA) {
        this.pos++;
        continue;
      }
      if (c === RBRACKET) {
        this.pos++;
        return out;
      }
      this.fail("',' or ']' after an array element");
    }
  }

  string(): string {
    const t = this.text;
    const start = ++this.pos; // after the opening quote
    let p = start;
    // Fast path: no escapes — one slice.
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === QUOTE) {
        this.pos = p + 1;
        return t.slice(start, p);
      }
      if (c === BACKSLASH) break;
      if (c < SPACE || Number.isNaN(c)) {
        this.pos = p;
        if (Number.isNaN(c)) this.fail("'\"' to close the string");
        throw new JsonSyntaxError(p, "Unescaped control character in a string");
      }
      p++;
    }
    return this.escapedString(start, p);
  }

  private escapedString(start: number, firstEscape: number): string {
    const t = this.text;
    let out = t.slice(start, firstEscape);
    let p = firstEscape;
    let chunk = p;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === QUOTE) {
        this.pos = p + 1;
        return out + t.slice(chunk, p);
      }
      if (Number.isNaN(c)) {
        this.pos = p;
        this.fail("'\"' to close the string");
      }
      if (c < SPACE) throw new JsonSyntaxError(p, "Unescaped control character in a string");
      if (c !== BACKSLASH) {
        p++;
        continue;
      }
      out += t.slice(chunk, p);
      const e = t.charAt(p + 1);
      switch (e) {
        case '"':
        case "\\":
        case "/":
          out += e;
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "u": {
          const hex = t.slice(p + 2, p + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntaxError(p, "Invalid \\u escape in a string");
          out += String.fromCharCode(Number.parseInt(hex, 16));
          p += 4;
          break;
        }
        default:
          throw new JsonSyntaxError(p, "Invalid escape in a string");
      }
      p += 2;
      chunk = p;
    }
  }

  number(): number | string {
    const t = this.text;
    const start = this.pos;
    let p = start;
    if (t.charCodeAt(p) === MINUS) p++;
    let c = t.charCodeAt(p);
    if (c === DIGIT_0) {
      p++;
    } else if (c >= DIGIT_0 && c <= DIGIT_9) {
      do c = t.charCodeAt(++p);
      while (c >= DIGIT_0 && c <= DIGIT_9);
    } else {
      this.pos = p;
      this.fail("a digit");
    }
    let integer = true;
    if (t.charCodeAt(p) === DOT) {
      integer = false;
      p = this.digits(p + 1);
    }
    c = t.charCodeAt(p);
    if (c === LOWER_E || c === UPPER_E) {
      integer = false;
      c = t.charCodeAt(++p);
      if (c === PLUS || c === MINUS) p++;
      p = this.digits(p);
    }
    this.pos = p;
    const literal = t.slice(start, p);
    const n = Number(literal);
    // 16+ characters is the earliest an integer literal can pass 2^53 - 1 (9007199254740991).
    if (integer && p - start >= 16 && !Number.isSafeInteger(n)) return literal;
    return n;
  }

  private digits(from: number): number {
    const t = this.text;
    let p = from;
    let c = t.charCodeAt(p);
    if (!(c >= DIGIT_0 && c <= DIGIT_9)) {
      this.pos = p;
      this.fail("a digit");
    }
    do c = t.charCodeAt(++p);
    while (c >= DIGIT_0 && c <= DIGIT_9);
    return p;
  }
}

/** Parse a request or response body leniently (see the file comment). Never throws. */
export function parseLenientJson(text: string, options: LenientJsonOptions = {}): LenientJsonResult {
  const native = viaJsonParse(text, options);
  return native === NOT_PLAIN ? parseJsonByHand(text, options) : { ok: true, value: native };
}

const NOT_PLAIN: unique symbol = Symbol("not plain JSON");

/**
 * JSON.parse's value when it is exactly what the hand-written parser returns, else NOT_PLAIN: the
 * text is JSON (no leniency needed: not empty, no byte-order mark), no key needs trimming, no
 * integer is past 2^53 - 1, and the limits hold. Nearly every real body is such a text, and the
 * native parser reads it several times faster; anything else, errors included, is read by hand,
 * so the result (value or error message) is the same either way.
 */
function viaJsonParse(text: string, options: LenientJsonOptions): unknown {
  const maxKeys = options.maxObjectKeys ?? DEFAULT_MAX_KEYS;
  // JSON.parse keeps the last of duplicate keys, so an object's member count is only exact when
  // the text is too short to hold more than maxKeys members (each takes at least `"":0,`).
  if (text.length > 4 * maxKeys) return NOT_PLAIN;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return NOT_PLAIN;
  }
  const limits = {
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxArray: options.maxArrayLength ?? DEFAULT_MAX_ARRAY,
  };
  return plainValue(value, 0, limits) ? value : NOT_PLAIN;
}

/** Whether `value` (from JSON.parse, at nesting `depth`) needs none of the hand parser's leniencies or refusals. */
function plainValue(value: unknown, depth: number, limits: { maxDepth: number; maxArray: number }): boolean {
  if (typeof value === "number") return !Number.isInteger(value) || Number.isSafeInteger(value);
  if (typeof value !== "object" || value === null) return true;
  if (depth + 1 > limits.maxDepth) return false;
  if (Array.isArray(value)) {
    if (value.length > limits.maxArray) return false;
    for (const element of value) if (!plainValue(element, depth + 1, limits)) return false;
    return true;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (padded(key) || !plainValue(record[key], depth + 1, limits)) return false;
  }
  return true;
}

/** A key the hand parser would trim (String.prototype.trim's blanks at either end). */
function padded(key: string): boolean {
  if (key.length === 0) return false;
  const first = key.charCodeAt(0);
  const last = key.charCodeAt(key.length - 1);
  if (first > SPACE && first < 127 && last > SPACE && last < 127) return false;
  return key.trim() !== key;
}

/** The hand-written parser alone (exported for the test that holds both paths to one result). */
export function parseJsonByHand(text: string, options: LenientJsonOptions = {}): LenientJsonResult {
  const parser = new Parser(text, options);
  try {
    // A leading byte-order mark is an encoding artefact, not content.
    if (text.charCodeAt(0) === 0xfeff) parser.pos = 1;
    parser.skipWhitespace();
    if (parser.pos >= text.length) return { ok: true, value: {} };
    const value = parser.value(0);
    parser.skipWhitespace();
    if (parser.pos < text.length) parser.fail("end of input after the JSON value");
    return { ok: true, value };
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { ok: false, error: toError(text, e) };
    // Not reachable by design (depth is bounded); kept so the contract "never throws" holds.
    return { ok: false, error: { ...locate(text, parser.pos), message: `Unreadable JSON: ${String(e)}` } };
  }
}

function toError(text: string, e: JsonSyntaxError): LenientJsonError {
  const where = locate(text, e.position);
  const at = `at line ${where.line}, column ${where.column} (position ${where.position})`;
  const what = e.detail || describeUnexpected(text, e.position);
  const hint = e.expected ? `: expected ${e.expected}` : "";
  return { ...where, message: `${what} ${at}${hint}${hintFor(text, e.position)}` };
}

/** A pointed word for the non-JSON the standard's own examples contain. */
function hintFor(text: string, position: number): string {
  const c = text.charAt(position);
  if (c === "/" && (text.charAt(position + 1) === "/" || text.charAt(position + 1) === "*")) {
    return " (comments are not allowed in JSON)";
  }
  if (c !== "" && "“”‘’„＂".includes(c)) return ' (typographic quotes are not JSON quotes; use ")';
  return "";
}
