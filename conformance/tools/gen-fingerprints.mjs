// Writes fixtures/fingerprint/*.json: request-fingerprint vectors (SPEC §4.3),
// computed by lib/fingerprint.mjs.
//
//   node conformance/tools/gen-fingerprints.mjs [--check]
//
// File format: {"vectors":[{"name","request":{seven fields},"fingerprint_hex"}]}.
// `meta` is written exactly as given below (raw JSON text), so that spellings
// such as 1.0, -0 or "\u00e9" and the original key order reach the reader.
// Vectors in the same `same` group must have equal fingerprints; all other
// fingerprints in the suite must differ. Both are checked before writing, and
// every written file is parsed back and recomputed.
import crypto from 'node:crypto';
import path from 'node:path';
import { SplitMix64 } from './lib/prng.mjs';
import { fixturePath } from './lib/paths.mjs';
import { writeFixture, removeStale, finish, fail } from './lib/io.mjs';
import { parseStrict } from './lib/jcs.mjs';
import { requestFingerprint, FIELD_ORDER } from './lib/fingerprint.mjs';

/** SplitMix64 seed of the generated bodies and meta: the ASCII bytes of "fp-vecs!". */
export const SEED = 0x66702d7665637321n;
const rng = new SplitMix64(SEED);

const hexOf = (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');
const PUBKEY_A = hexOf('claudemesh conformance member A');
const PUBKEY_B = hexOf('claudemesh conformance member B');
const QUEUE_ID = 'q_01JB8Z5K3M7QH2V9T4N6RX0WYE';

const DEFAULTS = {
  kind: 'topic', ref: 'general', reply: null, priority: 'next', meta: null, body: 'hello',
};

/** One vector. `meta` is raw JSON text or null. */
function v(name, fields = {}) {
  const spec = { ...DEFAULTS, ...fields, name };
  for (const k of Object.keys(fields)) {
    if (!Object.hasOwn(DEFAULTS, k) && k !== 'same') fail(`${name}: unknown field ${k}`);
  }
  return spec;
}

// ---------------------------------------------------------------------------
const basic = [];
for (const [kind, ref] of [['topic', 'general'], ['dm', PUBKEY_A], ['queue', QUEUE_ID]]) {
  for (const priority of ['now', 'next', 'low']) basic.push(v(`${kind}-${priority}`, { kind, ref, priority, body: 'ping' }));
}
basic.push(
  v('dm-other-recipient', { kind: 'dm', ref: PUBKEY_B, body: 'ping' }),
  v('topic-broadcast-star', { ref: '*' }),
  v('topic-name-with-slash', { ref: 'team/backend' }),
  v('topic-name-with-dots', { ref: 'ops.alerts.eu-west-1' }),
  v('queue-uuid-id', { kind: 'queue', ref: '3f2b8c1e-9a4d-4e7b-b5c6-0d1e2f3a4b5c' }),
  v('same-ref-as-topic', { kind: 'topic', ref: 'jobs' }),
  v('same-ref-as-queue', { kind: 'queue', ref: 'jobs' }),
  v('reply-to-null', { body: 'thanks!', same: 'reply-none' }),
  v('reply-to-empty-string', { body: 'thanks!', reply: '', same: 'reply-none' }),
  v('reply-to-ulid', { body: 'thanks!', reply: '01JB8Z9Q4W2E6R8T0Y3U5I7O9P' }),
  v('reply-to-ulid-one-char-changed', { body: 'thanks!', reply: '01JB8Z9Q4W2E6R8T0Y3U5I7O9Q' }),
  v('reply-to-uuid', { body: 'thanks!', reply: 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d' }),
  v('field-boundary-ref-ab-reply-c', { ref: 'ab', reply: 'c' }),
  v('field-boundary-ref-a-reply-bc', { ref: 'a', reply: 'bc' }),
  v('field-boundary-ref-abc-reply-empty', { ref: 'abc', reply: '' }),
  v('dm-all-fields-set', {
    kind: 'dm', ref: PUBKEY_B, reply: '01JB8Z9Q4W2E6R8T0Y3U5I7O9P', priority: 'now',
    meta: '{"thread":"release-2.4","attempt":2,"tags":["ci","deploy"]}', body: 'Deploy finished: 42 services, 0 failures.',
  }),
  v('queue-low-with-meta-and-reply', {
    kind: 'queue', ref: QUEUE_ID, reply: 'job-7781', priority: 'low', meta: '{"retry":true,"max_attempts":5}', body: '{"task":"reindex"}',
  }),
);

// ---------------------------------------------------------------------------
const meta = [
  v('meta-null', { same: 'meta-empty' }),
  v('meta-empty-object', { meta: '{}', same: 'meta-empty' }),
  v('meta-empty-object-with-whitespace', { meta: '{ \n\t }', same: 'meta-empty' }),
  v('meta-nested-empty-object', { meta: '{"a":{}}' }),
  v('meta-empty-array-member', { meta: '{"a":[]}' }),
  v('meta-null-member', { meta: '{"a":null}' }),
  v('meta-empty-string-member', { meta: '{"a":""}' }),
  v('meta-empty-name', { meta: '{"":""}' }),
  v('meta-key-order-abc', { meta: '{"a":1,"b":2,"c":3}', same: 'abc' }),
  v('meta-key-order-cab', { meta: '{"c":3,"a":1,"b":2}', same: 'abc' }),
  v('meta-key-order-bca-spaced', { meta: '{ "b" : 2 , "c" : 3 , "a" : 1 }', same: 'abc' }),
  v('meta-integer-like-keys-descending', { meta: '{"10":"ten","9":"nine","1":"one"}', same: 'int-keys' }),
  v('meta-integer-like-keys-ascending', { meta: '{"1":"one","9":"nine","10":"ten"}', same: 'int-keys' }),
  v('meta-number-1', { meta: '{"n":1}', same: 'one' }),
  v('meta-number-1-point-0', { meta: '{"n":1.0}', same: 'one' }),
  v('meta-number-1e0', { meta: '{"n":1e0}', same: 'one' }),
  v('meta-number-10e-1', { meta: '{"n":10E-1}', same: 'one' }),
  v('meta-number-1e21', { meta: '{"n":1e21}', same: '1e21' }),
  v('meta-number-1e21-as-digits', { meta: '{"n":1000000000000000000000}', same: '1e21' }),
  v('meta-number-1e20-as-exponent', { meta: '{"n":1e20}' }),
  v('meta-number-0', { meta: '{"n":0}', same: 'zero' }),
  v('meta-number-negative-0', { meta: '{"n":-0}', same: 'zero' }),
  v('meta-number-negative-0-point-0', { meta: '{"n":-0.0}', same: 'zero' }),
  v('meta-number-0-1', { meta: '{"n":0.1}' }),
  v('meta-number-0-1-plus-0-2', { meta: '{"n":0.30000000000000004}' }),
  v('meta-number-1e-7', { meta: '{"n":1e-7}', same: '1e-7' }),
  v('meta-number-1e-7-as-decimal', { meta: '{"n":0.0000001}', same: '1e-7' }),
  v('meta-number-0-000001', { meta: '{"n":0.000001}' }),
  v('meta-number-2-pow-53-plus-1', { meta: '{"n":9007199254740993}', same: '2^53' }),
  v('meta-number-2-pow-53', { meta: '{"n":9007199254740992}', same: '2^53' }),
  v('meta-number-huge-integer', { meta: '{"n":123456789012345678901234567890}' }),
  v('meta-number-negative-small', { meta: '{"n":-1.5e-10}' }),
  v('meta-number-repeating', { meta: '{"n":333333333.33333329}' }),
  v('meta-number-smallest-subnormal', { meta: '{"n":5e-324}' }),
  v('meta-number-largest-double', { meta: '{"n":1.7976931348623157e308}' }),
  v('meta-number-as-string', { meta: '{"n":"1"}' }),
  v('meta-booleans-and-null', { meta: '{"t":true,"f":false,"z":null}' }),
  v('meta-nested', { meta: '{"tags":["b","a"],"thread":{"z":{"y":[1,{"b":2,"a":1}]},"a":null}}', same: 'nested' }),
  v('meta-nested-reordered', { meta: '{"thread":{"a":null,"z":{"y":[1,{"a":1,"b":2}]}},"tags":["b","a"]}', same: 'nested' }),
  v('meta-array-order-ab', { meta: '{"tags":["a","b"]}' }),
  v('meta-array-order-ba', { meta: '{"tags":["b","a"]}' }),
  v('meta-deep-nesting', { meta: `${'{"d":'.repeat(32)}[]${'}'.repeat(32)}` }),
  v('meta-string-control-chars', { meta: '{"s":"\\u0001\\b\\t\\n\\f\\r\\u001F\\u007f"}' }),
  v('meta-string-quote-backslash', { meta: '{"s":"say \\"hi\\" \\\\ ok"}' }),
  v('meta-string-line-separators-escaped', { meta: '{"s":"a\\u2028b\\u2029c"}', same: 'ls' }),
  v('meta-string-line-separators-raw', { meta: '{"s":"a\u2028b\u2029c"}', same: 'ls' }),
  v('meta-string-escaped-solidus', { meta: '{"url":"https:\\/\\/example.org\\/a"}', same: 'url' }),
  v('meta-string-plain-solidus', { meta: '{"url":"https://example.org/a"}', same: 'url' }),
  v('meta-generated-2k', { meta: generatedMeta(2048) }),
];

// ---------------------------------------------------------------------------
const unicode = [
  v('meta-key-accents', { meta: '{"z":1,"é":2,"e":3,"E":4,"É":5}' }),
  v('meta-key-emoji-vs-presentation-form', { meta: '{"\\ufb33":1,"\\ud83d\\ude00":2,"\\ue000":3}', same: 'emoji-keys' }),
  v('meta-key-emoji-vs-presentation-form-raw-reordered', { meta: '{"\u{1F600}":2,"\ue000":3,"\ufb33":1}', same: 'emoji-keys' }),
  v('meta-key-supplementary-planes', { meta: '{"\\ud800\\udc00":"U+10000","\\uffee":"U+FFEE","\\udbff\\udfff":"U+10FFFF"}' }),
  v('meta-key-cjk', { meta: '{"日本":1,"中文":2,"한국어":3}' }),
  v('meta-key-precomposed', { meta: '{"\u00e9":1}', same: 'e-acute' }),
  v('meta-key-precomposed-escaped', { meta: '{"\\u00E9":1}', same: 'e-acute' }),
  v('meta-key-decomposed', { meta: '{"e\u0301":1}' }),
  v('meta-value-emoji-zwj', { meta: '{"who":"\u{1F469}\u200d\u{1F4BB}"}' }),
  v('meta-value-rtl', { meta: '{"name":"שרה כהן","city":"القاهرة"}' }),
  v('topic-name-unicode', { ref: 'équipe-東京' }),
  v('reply-to-non-ascii', { reply: 'réponse-1' }),
  v('body-multibyte-latin', { body: 'héllo wörld' }),
  v('body-emoji', { body: '\u{1F44B}\u{1F30D}' }),
  v('body-emoji-zwj-sequence', { body: '\u{1F469}\u200d\u{1F4BB} ships it' }),
  v('body-cjk', { body: '你好，世界。こんにちは 안녕하세요' }),
  v('body-combining-mark', { body: 'e\u0301' }),
  v('body-precomposed', { body: '\u00e9' }),
  v('body-rtl', { body: 'שלום עולם' }),
  v('body-max-code-point', { body: '\u{10FFFF}' }),
  v('body-byte-order-mark-prefix', { body: '\ufeffhello' }),
  v('body-line-separator', { body: 'a\u2028b\u2029c' }),
];

// ---------------------------------------------------------------------------
const controls = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('');
const body = [
  v('body-empty', { body: '' }),
  v('body-ascii', { body: 'The quick brown fox jumps over the lazy dog.' }),
  v('body-single-space', { body: ' ' }),
  v('body-trailing-space', { body: 'hello ' }),
  v('body-nul-inside', { body: 'a\u0000b' }),
  v('body-nul-only', { body: '\u0000' }),
  v('body-nul-trailing', { body: 'hello\u0000' }),
  v('body-newline-lf', { body: 'line one\nline two' }),
  v('body-newline-crlf', { body: 'line one\r\nline two' }),
  v('body-newline-cr', { body: 'line one\rline two' }),
  v('body-trailing-newline', { body: 'hello\n' }),
  v('body-tab', { body: 'a\tb' }),
  v('body-control-chars', { body: controls }),
  v('body-quotes-backslash', { body: 'say "hi" \\ ok' }),
  v('body-json-text', { body: '{"b":1,"a":2}' }),
  v('body-json-text-reordered', { body: '{"a":2,"b":1}' }),
  v('body-markdown', { body: '# Status\n\n- [x] build\n- [ ] deploy\n\n```sh\nmvn verify\n```\n' }),
];

const long = [
  v('body-long-100k-ascii', { body: asciiBody(102_400) }),
  v('body-long-100k-mixed-scripts', { body: mixedBody(102_400) }),
  v('meta-large-generated', { kind: 'dm', ref: PUBKEY_A, meta: generatedMeta(16_384), body: 'see meta' }),
];

const FILES = { 'basic.json': basic, 'meta.json': meta, 'unicode.json': unicode, 'body.json': body, 'long.json': long };

// ---------------------------------------------------------------------------
// Deterministic content.

/** ASCII lines "00001 the quick ..." until exactly `size` bytes. */
function asciiBody(size) {
  let s = '';
  for (let i = 1; s.length < size; i++) s += `${String(i).padStart(5, '0')} the quick brown fox jumps over the lazy dog\n`;
  return s.slice(0, size);
}

/** Random words from several scripts, cut at a code point so the UTF-8 size is at most `size`. */
function mixedBody(size) {
  const words = ['alpha', 'Ωμέγα', 'ĉapelo', 'Привет', 'שלום', 'مرحبا', 'नमस्ते', '東京', '서울', 'こんにちは', 'e\u0301', '\u{1F680}', '\u{1F469}\u200d\u{1F4BB}', '\u{10348}', 'tab\there', 'line\n', 'cr\r\n', '\u2028', '\u0000'];
  let out = '';
  let bytes = 0;
  for (;;) {
    const w = `${rng.pick(words)}${rng.oneIn(8) ? '\n' : ' '}`;
    const n = Buffer.byteLength(w, 'utf8');
    if (bytes + n > size) break;
    out += w;
    bytes += n;
  }
  return out;
}

/** A meta object as compact JSON text of about `size` bytes, keys in generation order. */
function generatedMeta(size) {
  const items = [];
  let text = '';
  for (let i = 0; text.length < size; i++) {
    const n = rng.pick([() => rng.nextRange(-1e6, 1e6), () => rng.nextRange(0, 1e6) / 1000, () => Number(`${rng.nextRange(1, 9)}.${rng.nextRange(0, 99)}e${rng.nextRange(-9, 24)}`)])();
    items.push(`{"seq":${i},"label":${JSON.stringify(rng.pick(['ok', 'café', '東京', 'naïve', '\u{1F680} go', 'a/b']))},"value":${n},"ok":${rng.oneIn(3) ? 'false' : 'true'}}`);
    text = `{"source":"generator","count":${items.length},"items":[${items.join(',')}],"kind":"bulk"}`;
  }
  return text;
}

// ---------------------------------------------------------------------------

function requestOf(spec) {
  return {
    envelope_version: '1',
    destination_kind: spec.kind,
    destination_ref: spec.ref,
    reply_to_id: spec.reply,
    priority: spec.priority,
    meta: spec.meta === null ? null : parseStrict(Buffer.from(spec.meta, 'utf8')),
    body: spec.body,
  };
}

function render(vectors) {
  const lines = ['{', '  "vectors": ['];
  vectors.forEach((spec, i) => {
    const req = requestOf(spec);
    const fields = FIELD_ORDER.map((f) => {
      const value = f === 'meta' ? (spec.meta ?? 'null') : JSON.stringify(req[f]);
      return `        ${JSON.stringify(f)}: ${value}`;
    });
    lines.push(
      '    {',
      `      "name": ${JSON.stringify(spec.name)},`,
      '      "request": {',
      fields.join(',\n'),
      '      },',
      `      "fingerprint_hex": ${JSON.stringify(requestFingerprint(req))}`,
      `    }${i + 1 < vectors.length ? ',' : ''}`,
    );
  });
  lines.push('  ]', '}', '');
  return lines.join('\n');
}

// Checks on the suite as a whole.
const allNames = new Set();
const byFingerprint = new Map();
const groups = new Map();
for (const spec of Object.values(FILES).flat()) {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(spec.name)) fail(`name is not kebab-case: ${spec.name}`);
  if (allNames.has(spec.name)) fail(`duplicate name ${spec.name}`);
  allNames.add(spec.name);
  if (!['topic', 'dm', 'queue'].includes(spec.kind)) fail(`${spec.name}: bad kind`);
  if (!['now', 'next', 'low'].includes(spec.priority)) fail(`${spec.name}: bad priority`);
  if (spec.kind === 'dm' && !/^[0-9a-f]{64}$/.test(spec.ref)) fail(`${spec.name}: dm ref is not 64 hex`);
  const fp = requestFingerprint(requestOf(spec));
  const key = spec.same ?? `#${spec.name}`;
  if (groups.has(key) && groups.get(key) !== fp) fail(`${spec.name}: differs from its group ${key}`);
  groups.set(key, fp);
  if (byFingerprint.has(fp) && byFingerprint.get(fp) !== key) fail(`${spec.name}: collides with group ${byFingerprint.get(fp)}`);
  byFingerprint.set(fp, key);
}
for (const [key, fp] of groups) {
  if (!key.startsWith('#') && Object.values(FILES).flat().filter((s) => s.same === key).length < 2) fail(`group ${key} has one member (${fp})`);
}

const dir = fixturePath('fingerprint');
const produced = [];
for (const [file, vectors] of Object.entries(FILES)) {
  const text = render(vectors);
  // Read back as a consumer would and recompute.
  const parsed = parseStrict(Buffer.from(text, 'utf8'));
  parsed.vectors.forEach((vec, i) => {
    if (vec.name !== vectors[i].name) fail(`${file}: vector ${i} name changed`);
    if (Object.keys(vec.request).join() !== FIELD_ORDER.join()) fail(`${vec.name}: request fields`);
    if (requestFingerprint(vec.request) !== vec.fingerprint_hex) fail(`${vec.name}: fingerprint changes after a round trip`);
  });
  const target = path.join(dir, file);
  writeFixture(target, text);
  produced.push(target);
}
removeStale(dir, (n) => n.endsWith('.json'), produced);

const total = Object.values(FILES).reduce((n, list) => n + list.length, 0);
const equalGroups = [...groups.keys()].filter((k) => !k.startsWith('#')).length;
finish(`${total} vectors in ${Object.keys(FILES).length} files in fixtures/fingerprint (${equalGroups} groups of equal fingerprints: ${Object.entries(FILES).map(([f, l]) => `${f} ${l.length}`).join(', ')})`);
