// Writes fixtures/jcs-invalid/NAME.json: documents that a strict RFC 8785
// canonicalizer must reject. Some are not JSON at all (RFC 8259 grammar or
// UTF-8); the others are JSON that RFC 8785 / I-JSON (RFC 7493) forbid:
// duplicate property names, unpaired surrogates, numbers that overflow a double.
//
//   node conformance/tools/gen-invalid.mjs [--check] [--table]
//
// --table prints the Markdown table used in conformance/README.md.
// Every case is checked here: lib/jcs.mjs parseStrict() must reject it for the
// stated reason, and Node's own UTF-8 decoder and JSON.parse must agree that
// the "encoding"/"syntax" cases are not JSON while the other cases are.
import path from 'node:path';
import { fixturePath } from './lib/paths.mjs';
import { writeFixture, removeStale, finish, fail } from './lib/io.mjs';
import { parseStrict, JsonRejection, KINDS } from './lib/jcs.mjs';

const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

// [name, kind, what it breaks, content (string = UTF-8 text, or bytes)]
const CASES = [
  // I-JSON: property names must be unique
  ['duplicate-key', 'duplicate-name', 'the same name twice in one object', '{"a":1,"a":2}'],
  ['duplicate-key-same-value', 'duplicate-name', 'a repeated name even with an equal value', '{"a":1,"a":1}'],
  ['duplicate-key-nested', 'duplicate-name', 'a duplicate inside a nested object', '{"outer":{"b":1,"c":2,"b":3}}'],
  ['duplicate-key-in-array-element', 'duplicate-name', 'a duplicate inside an object in an array', '[{"k":true},{"k":1,"k":2}]'],
  ['duplicate-key-after-escape', 'duplicate-name', 'names equal only after unescaping: `"a"` and `"\\u0061"`', '{"a":1,"\\u0061":2}'],
  ['duplicate-key-escaped-vs-raw-emoji', 'duplicate-name', 'raw UTF-8 U+1F600 and the escaped pair `"\\ud83d\\ude00"`', '{"\u{1F600}":1,"\\ud83d\\ude00":2}'],
  ['duplicate-key-empty-name', 'duplicate-name', 'the empty name twice', '{"":1,"":2}'],
  // I-JSON / RFC 8785: strings must be valid Unicode
  ['lone-high-surrogate-escaped-value', 'lone-surrogate', 'escaped high surrogate with no low surrogate, in a value', '{"v":"\\ud800"}'],
  ['lone-high-surrogate-at-end', 'lone-surrogate', 'escaped high surrogate as the last unit of a string', '["abc\\ud83d"]'],
  ['lone-low-surrogate-escaped-key', 'lone-surrogate', 'escaped low surrogate alone, in a name', '{"\\udc00":1}'],
  ['reversed-surrogate-pair', 'lone-surrogate', 'low surrogate before high surrogate', '["\\ude00\\ud83d"]'],
  ['high-surrogate-then-letter', 'lone-surrogate', 'high surrogate followed by a non-surrogate escape', '["\\ud83d\\u0041"]'],
  ['high-surrogate-twice', 'lone-surrogate', 'an unpaired high surrogate before a valid pair', '["\\ud83d\\ud83d\\ude00"]'],
  // RFC 8785 / I-JSON: numbers must be finite IEEE 754 doubles
  ['overflow-1e400', 'non-finite', '`1e400` parses to +Infinity', '1e400'],
  ['overflow-negative', 'non-finite', '`-1e400` parses to -Infinity', '[-1e400]'],
  ['overflow-long-integer', 'non-finite', 'a 401-digit integer parses to +Infinity', `{"n":1${'0'.repeat(400)}}`],
  ['overflow-rounds-to-infinity', 'non-finite', '`1.7976931348623159e308` is past the largest double and rounds to +Infinity', '[1.7976931348623159e308]'],
  ['nan', 'syntax', '`NaN` is not a JSON literal (and not finite)', '{"n":NaN}'],
  ['infinity', 'syntax', '`Infinity` is not a JSON literal', '[Infinity]'],
  ['negative-infinity', 'syntax', '`-Infinity` is not a JSON literal', '-Infinity'],
  // RFC 8259 number grammar
  ['leading-zero', 'syntax', 'integer part with a leading zero', '[01]'],
  ['leading-zero-negative', 'syntax', 'negative integer with a leading zero', '[-01]'],
  ['double-zero', 'syntax', 'integer part `00`', '00'],
  ['trailing-dot', 'syntax', 'fraction with no digits', '[1.]'],
  ['trailing-dot-before-exponent', 'syntax', 'fraction with no digits before an exponent', '[1.e5]'],
  ['leading-dot', 'syntax', 'number with no integer part', '[.5]'],
  ['plus-sign', 'syntax', 'leading plus sign', '[+1]'],
  ['hex-number', 'syntax', 'hexadecimal number', '[0x10]'],
  ['minus-alone', 'syntax', 'minus sign with no digits', '[-]'],
  ['minus-space-digit', 'syntax', 'whitespace between minus sign and digits', '[- 1]'],
  ['exponent-without-digits', 'syntax', 'exponent marker with no digits', '[1e]'],
  ['exponent-sign-without-digits', 'syntax', 'exponent sign with no digits', '[1e+]'],
  // RFC 8259 string grammar
  ['raw-control-char-in-string', 'syntax', 'unescaped U+0001 inside a string', bytes('["a', [0x01], 'b"]')],
  ['raw-tab-in-string', 'syntax', 'unescaped tab inside a string', '["a\tb"]'],
  ['raw-newline-in-string', 'syntax', 'unescaped line feed inside a string', '["a\nb"]'],
  ['raw-nul-in-string', 'syntax', 'unescaped NUL byte inside a string', bytes('["a', [0x00], 'b"]')],
  ['invalid-escape-x', 'syntax', 'escape `\\x` is not JSON', '["\\x41"]'],
  ['invalid-escape-single-quote', 'syntax', "escape `\\'` is not JSON", '["it\\\'s"]'],
  ['uppercase-U-escape', 'syntax', 'escape `\\U` (upper case) is not JSON', '["\\U0041"]'],
  ['short-unicode-escape', 'syntax', '`\\u` with only two hex digits', '["\\u12"]'],
  ['non-hex-unicode-escape', 'syntax', '`\\u` with a non-hex digit', '["\\u12G4"]'],
  ['backslash-at-end-of-input', 'syntax', 'string ends in a lone backslash and is never closed', '["abc\\'],
  ['unclosed-string', 'syntax', 'string with no closing quote', '["abc]'],
  ['single-quotes', 'syntax', 'single-quoted name and value', "{'a':'b'}"],
  ['unquoted-key', 'syntax', 'object name without quotes', '{a:1}'],
  ['number-key', 'syntax', 'object name that is a number', '{1:2}'],
  // RFC 8259 structure
  ['trailing-comma-array', 'syntax', 'comma after the last array element', '[1,2,]'],
  ['trailing-comma-object', 'syntax', 'comma after the last member', '{"a":1,}'],
  ['leading-comma-array', 'syntax', 'comma before the first element', '[,1]'],
  ['double-comma-array', 'syntax', 'empty element between two commas', '[1,,2]'],
  ['missing-colon', 'syntax', 'member without a colon', '{"a" 1}'],
  ['missing-value', 'syntax', 'member with a colon but no value', '{"a":}'],
  ['missing-comma-array', 'syntax', 'two elements without a comma', '[1 2]'],
  ['missing-comma-object', 'syntax', 'two members without a comma', '{"a":1 "b":2}'],
  ['unclosed-array', 'syntax', 'array never closed', '[1,2'],
  ['unclosed-object', 'syntax', 'object never closed', '{"a":1'],
  ['mismatched-brackets', 'syntax', 'array closed with a brace', '[1}'],
  ['unmatched-close', 'syntax', 'closing bracket with nothing open', ']'],
  ['trailing-garbage', 'syntax', 'text after the top-level value', '{"a":1} x'],
  ['two-values', 'syntax', 'two top-level values', '{"a":1} {"b":2}'],
  ['empty-document', 'syntax', 'no value at all (zero bytes)', ''],
  ['whitespace-only', 'syntax', 'only whitespace', ' \t\r\n '],
  ['comment-block', 'syntax', 'a `/* */` comment', '{"a":1 /* note */}'],
  ['comment-line', 'syntax', 'a `//` comment', '{"a":1}\n// note\n'],
  ['bare-word-tru', 'syntax', 'truncated literal `tru`', '[tru]'],
  ['bare-word-True', 'syntax', 'literal in the wrong case: `True`', '[True]'],
  ['bare-word-undefined', 'syntax', '`undefined` is not a JSON literal', '{"a":undefined}'],
  // whitespace other than space, tab, LF, CR
  ['nul-byte-outside-string', 'syntax', 'NUL byte between tokens', bytes('[1,', [0x00], '2]')],
  ['vertical-tab-as-whitespace', 'syntax', 'U+000B between tokens', bytes('[1,', [0x0b], '2]')],
  ['form-feed-as-whitespace', 'syntax', 'U+000C between tokens', bytes('[1,', [0x0c], '2]')],
  ['nbsp-as-whitespace', 'syntax', 'U+00A0 between tokens', '[1,\u00a02]'],
  ['line-separator-as-whitespace', 'syntax', 'U+2028 between tokens', '[1,\u20282]'],
  ['utf8-bom-prefix', 'syntax', 'UTF-8 byte-order mark (EF BB BF) before the value', bytes([0xef, 0xbb, 0xbf], '{}')],
  // UTF-8 (RFC 3629) inside a string
  ['invalid-utf8-continuation', 'encoding', 'lone continuation byte 0x80', bytes('["', [0x80], '"]')],
  ['overlong-encoding', 'encoding', 'overlong two-byte form of `/` (C0 AF)', bytes('["', [0xc0, 0xaf], '"]')],
  ['overlong-encoding-3-byte', 'encoding', 'overlong three-byte form of U+0000 (E0 80 80)', bytes('["', [0xe0, 0x80, 0x80], '"]')],
  ['truncated-sequence', 'encoding', 'three-byte sequence cut after two bytes (E2 82)', bytes('["', [0xe2, 0x82], '"]')],
  ['byte-F5', 'encoding', 'byte F5 never occurs in UTF-8', bytes('["', [0xf5, 0x80, 0x80, 0x80], '"]')],
  ['byte-FF', 'encoding', 'byte FF never occurs in UTF-8', bytes('["', [0xff], '"]')],
  ['code-point-above-10ffff', 'encoding', 'four-byte form of U+110000 (F4 90 80 80)', bytes('["', [0xf4, 0x90, 0x80, 0x80], '"]')],
  ['raw-surrogate-bytes', 'encoding', 'UTF-8 form of the surrogate U+D800 (ED A0 80)', bytes('["', [0xed, 0xa0, 0x80], '"]')],
  ['raw-surrogate-pair-bytes', 'encoding', 'CESU-8 surrogate pair for U+1F600 (ED A0 BD ED B8 80)', bytes('["', [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80], '"]')],
  ['latin1-encoded', 'encoding', 'ISO-8859-1 byte E9 for `é`', bytes('["caf', [0xe9], '"]')],
  ['utf16le-encoded', 'encoding', 'UTF-16LE text with its byte-order mark', Buffer.from('\ufeff[1]', 'utf16le')],
];

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Independent view from Node: is it well-formed UTF-8, and does JSON.parse accept it? */
function nodeVerdict(content) {
  let text;
  try {
    text = utf8.decode(content);
  } catch {
    return 'encoding';
  }
  try {
    JSON.parse(text);
    return 'json';
  } catch {
    return 'syntax';
  }
}

const dir = fixturePath('jcs-invalid');
const produced = [];
const names = new Set();
for (const [name, kind, what, content] of CASES) {
  if (!/^[A-Za-z0-9-]+$/.test(name) || names.has(name)) fail(`bad or repeated case name ${name}`);
  names.add(name);
  if (!Object.hasOwn(KINDS, kind)) fail(`${name}: unknown kind ${kind}`);
  if (!what) fail(`${name}: no description`);
  const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  try {
    parseStrict(data);
    fail(`${name}: accepted by the strict parser`);
  } catch (e) {
    if (!(e instanceof JsonRejection)) throw e;
    if (e.kind !== kind) fail(`${name}: rejected as ${e.kind}, expected ${kind} (${e.message})`);
  }
  const verdict = nodeVerdict(data);
  const expected = kind === 'encoding' || kind === 'syntax' ? kind : 'json';
  if (verdict !== expected) fail(`${name}: Node sees ${verdict}, expected ${expected}`);
  const file = path.join(dir, `${name}.json`);
  writeFixture(file, data);
  produced.push(file);
}
removeStale(dir, (n) => n.endsWith('.json'), produced);

if (process.argv.includes('--table')) {
  console.log('| file | rejected because | what it breaks |');
  console.log('| --- | --- | --- |');
  for (const [name, kind, what] of CASES) {
    console.log(`| \`${name}.json\` | ${kind} | ${what.replace(/\|/g, '\\|')} |`);
  }
}
const counts = {};
for (const [, kind] of CASES) counts[kind] = (counts[kind] ?? 0) + 1;
finish(`${CASES.length} cases in fixtures/jcs-invalid (${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')})`);
