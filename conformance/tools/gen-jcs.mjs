// Writes the project's own RFC 8785 cases, fixtures/jcs/{input,output}/cm-*.json,
// and checks every other case in fixtures/jcs against the same canonicalizer.
//
//   node conformance/tools/gen-jcs.mjs [--check]
//
// Each input is a JSON text written here by hand (escapes, odd spacing, unsorted
// keys). The expected output is lib/jcs.mjs canonicalize() of JSON.parse(input),
// written as UTF-8 with no trailing newline. The input is also run through the
// strict parser, which must accept it and give the same canonical text.
import fs from 'node:fs';
import path from 'node:path';
import { SplitMix64 } from './lib/prng.mjs';
import { fixturePath } from './lib/paths.mjs';
import { writeFixture, removeStale, finish, fail } from './lib/io.mjs';
import { canonicalize, parseStrict } from './lib/jcs.mjs';

/** SplitMix64 seed of the cm-meta-10k document: the ASCII bytes of "meta-10k". */
export const META_SEED = 0x6d6574612d31306bn;

const controlChars = Array.from({ length: 0x20 }, (_, i) => `\\u00${i.toString(16).toUpperCase().padStart(2, '0')}`).join('');

const CASES = {
  'cm-top-string': String.raw`  "caf\u00E9 \ud83d\ude00 \/ tab:\t end"  `,
  'cm-top-number': ' -12.50E+1\n',
  'cm-top-true': '\ttrue\r\n',
  'cm-top-false': 'false',
  'cm-top-null': ' null ',
  'cm-negative-zero': '[-0, -0.0, -0e10, 0.0E-5, {"z": -0}]',
  'cm-big-integers': '[9007199254740993, -9007199254740993, 9007199254740992, 9007199254740995,'
    + ' 18446744073709551616, 123456789012345678901234567890, 295147905179352825856]',
  'cm-exponent-boundaries': '[1e21, 999999999999999999999, 999999999999999900000, 1E20, 1e+20,'
    + ' 0.000001, 1e-6, 1e-7, 0.0000001, 9.999999999999999e-7, 1.5e-7, 123e-9]',
  'cm-number-spellings': '[1.0, 1E0, 10e-1, 0.1e1, 100E-2, 2.50, 0.1, 1e-27, 5e-324, 1.7976931348623157e308,'
    + ' 333333333.33333329, 4.35, 1.0000000000000002, 0.30000000000000004]',
  'cm-raw-separators': '{"ls":"a\\u2028b","ps":"a\\u2029b","del":"a\\u007Fb","raw":"\u2028\u2029\u007f","ctrl-next":"\\u0080\\u009f"}',
  'cm-control-escapes': `{"all":"${controlChars}", "\\u0008\\u000C":"key with \\b and \\f", "quote":"\\"", "backslash":"\\\\"}`,
  'cm-unicode-escapes': String.raw`["\u00E9\u00e9", "\uD83D\uDE00", "\ud83d\ude00", "\u0041\u0062", "\u20AC", "\uFFFD", "\uDBFF\uDFFF"]`,
  'cm-escaped-solidus': String.raw`{"a\/b": "<\/script>", "url": "https:\/\/example.org\/x?y=1"}`,
  'cm-surrogate-key-sort': String.raw`{"\uffee": 8, "\ud83d\ude00": 5, "\ufb33": 7, "\ud800\udc00": 4, "\ue000": 6, "\u0800": 3, "\u00e9": 2, "z": 1}`,
  'cm-key-prefix-sort': String.raw`{"aa": 10, "a": 8, "ab": 11, "a\u0000": 9, "A": 5, "_": 6, "~": 13, "": 1, "__proto__": 7, "10": 3, "9": 4, "1": 2, "b": 12}`,
  'cm-unicode-no-normalization': String.raw`{"\u00e9": "precomposed", "e\u0301": "decomposed", "\u212b": "angstrom sign", "\u00c5": "A with ring", "A\u030a": "A + combining ring"}`,
  'cm-deep-nesting': `${'[ {"a" :'.repeat(64)} 0.50 ${'} ]'.repeat(64)}`,
  'cm-empty-containers': '{ "b" : [ ] , "a" : { } , "c": [ {}, [], [[]], {"":{}} ], "": "" , "d":[{ }, [ ] ] }',
  'cm-whitespace': '\r\n\t {\t"b"\r:\n[ 1 ,\t2\r\n,3 ] ,\n "a" : { "c" : true , "d":null\t,"e" :\r\n"x y" } } \t\r\n',
  'cm-array-order': '[3, 1, 2, 1, "b", "a", [2, 1], {"b": 1, "a": 2}, null, false, true]',
  'cm-meta-10k': buildMetaDocument(),
};

// ---------------------------------------------------------------------------
// cm-meta-10k: a realistic message `meta` of about 10 KB in canonical form, written
// with shuffled keys, mixed escapes, alternative number spellings and uneven spacing.

function buildMetaDocument() {
  const rng = new SplitMix64(META_SEED);
  const names = ['Zoë Åkesson', 'Łukasz Żółć', '山田 太郎', 'Ана Петровић', 'Nguyễn Văn An', 'José Müller', 'שרה כהן', 'سارة', 'Ørjan', 'Chloé 🌻'];
  const words = ['deploy', 'rollback', 'café ☕', 'naïve', 'schön', '東京', '부산', 'über', 'façade', 'emoji 🚀', 'mañana', 'Ελλάδα', 'niño', 'smörgåsbord', 'ok'];
  const hex = (n) => Array.from({ length: n }, () => rng.nextInt(16).toString(16)).join('');
  const number = () => rng.pick([
    () => rng.nextRange(-1000, 100000),
    () => rng.nextRange(0, 1_000_000) / 1000,
    () => Number(`${rng.nextRange(1, 9)}.${rng.nextRange(0, 999)}e${rng.nextRange(-12, 25)}`),
    () => rng.nextRange(0, 2 ** 31) * 2 ** 20,
    () => -rng.nextRange(0, 1_000_000) / 7,
    () => 0.1 * rng.nextRange(1, 9),
  ])();
  const event = (i) => ({
    seq: i,
    at: 1_767_225_600_000 + i * 997 + rng.nextRange(0, 500),
    kind: rng.pick(['sent', 'acked', 'retry', 'delivered', 'read']),
    by: rng.pick(names),
    note: `${rng.pick(words)} ${rng.pick(words)}`,
    latency_ms: number(),
    ok: rng.oneIn(5) ? false : true,
    extra: rng.oneIn(3) ? null : { tag: rng.pick(words), weight: number(), path: `/${rng.pick(words)}/${hex(6)}` },
  });
  const doc = {
    thread: { id: `thr_${hex(24)}`, title: 'Release 2.4 — “final” checks', participants: names.slice(0, 6), open: true },
    sender: { display_name: 'Zoë Åkesson', pubkey: hex(64), locale: 'sv-SE', tz_offset_min: 60 },
    labels: { priority: 'high', 'ci/status': 'green', 'owner@team': 'platform', 'Ünïcödé': 'ключ', '': 'empty key', '10': 'ten', '9': 'nine' },
    metrics: { cpu: 0.73, mem_bytes: 2_147_483_648, p99_ms: 12.5, ratio: 1 / 3, avogadro: 6.02214076e23, tiny: 1e-9, big: 1e21, zero: 0, neg: -0.000025 },
    attachments: Array.from({ length: 6 }, (_, i) => ({
      name: `${rng.pick(words)}-${i}.txt`,
      size: rng.nextRange(0, 10_000_000),
      sha256: hex(64),
      mime: rng.pick(['text/plain; charset=utf-8', 'application/json', 'image/png']),
    })),
    matrix: Array.from({ length: 4 }, () => Array.from({ length: 5 }, number)),
    flags: [true, false, null, true],
    text: 'Line one\nLine two\tTabbed "quoted" \\ backslash </script> \u2028 end',
    events: [],
  };
  const target = 10_240;
  for (let i = 0; canonicalize(doc).length < target - 300 || i === 0; i++) doc.events.push(event(i));
  return writeOddly(doc, rng);
}

/** JSON text of `value` with shuffled keys, mixed escapes and spacing (still valid JSON). */
function writeOddly(value, rng) {
  const ws = () => rng.pick(['', '', ' ', '  ', '\n', '\r\n  ', '\t']);
  const str = (s) => {
    let out = '"';
    for (const ch of s) {
      const cp = ch.codePointAt(0);
      if (ch === '"' || ch === '\\') out += `\\${ch}`;
      else if (ch === '/' && rng.oneIn(2)) out += '\\/';
      else if (cp < 0x20 || (cp > 0x7e && rng.oneIn(3))) {
        // one escape per UTF-16 code unit: an emoji becomes an escaped surrogate pair
        for (let k = 0; k < ch.length; k++) {
          const u = ch.charCodeAt(k).toString(16).padStart(4, '0');
          out += `\\u${rng.oneIn(2) ? u.toUpperCase() : u}`;
        }
      } else out += ch;
    }
    return `${out}"`;
  };
  const num = (x) => {
    const spellings = [String(x), x.toExponential(), x.toExponential().replace('e+', 'E')];
    if (Number.isInteger(x) && Math.abs(x) < 1e15) spellings.push(`${x}.0`, `${x}.000`);
    if (String(x).includes('.') && !String(x).includes('e')) spellings.push(`${x}00`);
    const s = rng.pick(spellings);
    if (Number(s) !== x) fail(`spelling ${s} does not round-trip ${x}`);
    return s;
  };
  const write = (v) => {
    if (v === null || typeof v === 'boolean') return String(v);
    if (typeof v === 'number') return num(v);
    if (typeof v === 'string') return str(v);
    if (Array.isArray(v)) return `[${ws()}${v.map((e) => `${write(e)}${ws()}`).join(`,${ws()}`)}]`;
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      [keys[i], keys[j]] = [keys[j], keys[i]];
    }
    return `{${ws()}${keys.map((k) => `${str(k)}${ws()}:${ws()}${write(v[k])}`).join(`${ws()},${ws()}`)}${ws()}}`;
  };
  return `${write(value)}\n`;
}

// ---------------------------------------------------------------------------

function expectedOutput(name, inputText) {
  const viaStrict = canonicalize(parseStrict(Buffer.from(inputText, 'utf8')));
  const viaJsonParse = canonicalize(JSON.parse(inputText));
  if (viaStrict !== viaJsonParse) fail(`${name}: strict parser and JSON.parse disagree`);
  return viaStrict;
}

const inputDir = fixturePath('jcs', 'input');
const outputDir = fixturePath('jcs', 'output');
const produced = [];
for (const [name, inputText] of Object.entries(CASES)) {
  if (!/^cm-[a-z0-9-]+$/.test(name)) fail(`bad case name ${name}`);
  const output = expectedOutput(name, inputText);
  const inFile = path.join(inputDir, `${name}.json`);
  const outFile = path.join(outputDir, `${name}.json`);
  writeFixture(inFile, Buffer.from(inputText, 'utf8'));
  writeFixture(outFile, Buffer.from(output, 'utf8'));
  produced.push(inFile, outFile);
}
const isOwned = (n) => n.startsWith('cm-') && n.endsWith('.json');
removeStale(inputDir, isOwned, produced);
removeStale(outputDir, isOwned, produced);

// The copied published cases must agree with this canonicalizer too.
let checked = 0;
for (const file of fs.readdirSync(inputDir).sort()) {
  if (isOwned(file)) continue;
  const expected = fs.readFileSync(path.join(outputDir, file));
  const actual = Buffer.from(canonicalize(parseStrict(fs.readFileSync(path.join(inputDir, file)))), 'utf8');
  if (!actual.equals(expected)) fail(`published case ${file}: canonical output differs`);
  checked++;
}

finish(`${Object.keys(CASES).length} cm-* cases in fixtures/jcs (and ${checked} published cases agree)`);
