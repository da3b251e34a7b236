// RFC 8785 (JCS) in a few lines, following the reference approach of the RFC:
// ECMAScript's JSON.stringify for strings and numbers, object properties sorted
// by UTF-16 code units (the default Array.prototype.sort order).
//
// parseStrict() is the input side: a JSON parser for RFC 8259 text in UTF-8
// that also enforces what RFC 8785 and I-JSON (RFC 7493) add: unique property
// names, no lone surrogates, only finite numbers.

/** Canonical RFC 8785 text of a parsed JSON value. */
export function canonicalize(value) {
  if (value === null || value === true || value === false) return JSON.stringify(value);
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new JsonRejection('non-finite', `number ${value} is not allowed`);
      return JSON.stringify(value); // -0 becomes "0", as RFC 8785 requires
    case 'string':
      return canonicalString(value);
    case 'object':
      if (Array.isArray(value)) return `[${value.map(canonicalize).join(',')}]`;
      return `{${Object.keys(value)
        .sort()
        .map((key) => `${canonicalString(key)}:${canonicalize(value[key])}`)
        .join(',')}}`;
    default:
      throw new TypeError(`not a JSON value: ${typeof value}`);
  }
}

function canonicalString(s) {
  const bad = loneSurrogateIndex(s);
  if (bad >= 0) {
    throw new JsonRejection('lone-surrogate', `lone surrogate U+${s.charCodeAt(bad).toString(16)} at index ${bad}`);
  }
  return JSON.stringify(s);
}

/** Index of the first unpaired surrogate code unit, or -1. */
export function loneSurrogateIndex(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
      return i;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

/** Why a document was rejected; `kind` is one of the KINDS keys. */
export class JsonRejection extends Error {
  constructor(kind, message) {
    super(`${kind}: ${message}`);
    this.kind = kind;
  }
}

export const KINDS = {
  encoding: 'not well-formed UTF-8 (RFC 8259 §8.1, I-JSON §2.1)',
  syntax: 'not JSON text (RFC 8259 grammar)',
  'duplicate-name': 'duplicate property name (I-JSON §2.3)',
  'lone-surrogate': 'string with an unpaired surrogate (I-JSON §2.1, RFC 8785 §3.2.2.2)',
  'non-finite': 'number outside the IEEE 754 double range (I-JSON §2.2, RFC 8785 §3.2.2.3)',
};

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses a JSON document under RFC 8785 rules. Accepts a Buffer (UTF-8 bytes,
 * decoded strictly; a byte-order mark is not skipped) or an already decoded string.
 * Throws JsonRejection.
 */
export function parseStrict(input) {
  let text;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = utf8.decode(input);
    } catch {
      throw new JsonRejection('encoding', 'invalid UTF-8 byte sequence');
    }
  }
  const parser = new Parser(text);
  parser.skipWhitespace();
  const value = parser.value(0);
  parser.skipWhitespace();
  if (parser.pos !== text.length) parser.syntax('data after the top-level value');
  return value;
}

const MAX_DEPTH = 1000;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;
const SIMPLE_ESCAPES = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Parser {
  constructor(text) {
    this.text = text;
    this.pos = 0;
  }

  syntax(what) {
    throw new JsonRejection('syntax', `${what} at offset ${this.pos}`);
  }

  skipWhitespace() {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') break;
      this.pos++;
    }
  }

  expect(ch) {
    if (this.text[this.pos] !== ch) this.syntax(`expected '${ch}'`);
    this.pos++;
  }

  value(depth) {
    if (depth > MAX_DEPTH) this.syntax('nesting too deep');
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    return this.number();
  }

  object(depth) {
    this.pos++; // '{'
    const result = {};
    const seen = new Set();
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.syntax('expected a property name');
      const key = this.string();
      if (seen.has(key)) throw new JsonRejection('duplicate-name', `property ${JSON.stringify(key)} repeated`);
      seen.add(key);
      this.skipWhitespace();
      this.expect(':');
      this.skipWhitespace();
      // defineProperty, so that a "__proto__" member is an ordinary property
      Object.defineProperty(result, key, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return result;
    }
  }

  array(depth) {
    this.pos++; // '['
    const result = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      result.push(this.value(depth + 1));
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return result;
    }
  }

  string() {
    const t = this.text;
    this.pos++; // opening quote
    let out = '';
    for (;;) {
      if (this.pos >= t.length) this.syntax('unterminated string');
      const c = t[this.pos];
      if (c === '"') {
        this.pos++;
        break;
      }
      if (c < ' ') this.syntax(`raw control character U+${c.charCodeAt(0).toString(16).padStart(4, '0')} in string`);
      if (c !== '\\') {
        out += c;
        this.pos++;
        continue;
      }
      const e = t[this.pos + 1];
      if (e === 'u') {
        HEX4.lastIndex = this.pos + 2;
        const m = HEX4.exec(t);
        if (m === null) this.syntax('\\u must be followed by four hex digits');
        out += String.fromCharCode(parseInt(m[0], 16));
        this.pos += 6;
      } else if (e !== undefined && Object.hasOwn(SIMPLE_ESCAPES, e)) {
        out += SIMPLE_ESCAPES[e];
        this.pos += 2;
      } else {
        this.syntax('invalid escape');
      }
    }
    const bad = loneSurrogateIndex(out);
    if (bad >= 0) {
      throw new JsonRejection('lone-surrogate', `unpaired surrogate U+${out.charCodeAt(bad).toString(16)}`);
    }
    return out;
  }

  number() {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m === null) this.syntax('expected a JSON value');
    this.pos += m[0].length;
    const n = Number(m[0]);
    if (!Number.isFinite(n)) throw new JsonRejection('non-finite', `${m[0]} overflows a double`);
    return n;
  }
}
