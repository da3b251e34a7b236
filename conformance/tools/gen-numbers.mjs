// Generates fixtures/numbers/node-generated.csv.gz: number-serialization
// vectors whose expected strings come from ECMAScript's Number.prototype.toString
// as implemented by Node (V8), which RFC 8785 §3.2.2.3 names as the reference.
//
//   node conformance/tools/gen-numbers.mjs [--check]
//
// Line format: `<ieee754 bits, lowercase hex, no leading zeros>,<expected>\n`;
// an empty expected marks NaN/Infinity patterns that must be rejected.
// The sequence is fixed by SEED and the code below; each bit pattern appears once.
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { SplitMix64 } from './lib/prng.mjs';
import { fixturePath } from './lib/paths.mjs';
import { writeFixture, finish, fail } from './lib/io.mjs';
import { gzipDeterministic } from './lib/gzip.mjs';
import {
  bitsToDouble, doubleToBits, expectedString, formatBits, isNonFinite,
  SIGN_BIT, MAX_FINITE_MAGNITUDE,
} from './lib/numbers.mjs';

/** SplitMix64 seed: the ASCII bytes of "jcs-nums". */
export const SEED = 0x6a63732d6e756d73n;
const MIN_LINES = 120_000;

const rng = new SplitMix64(SEED);
const seen = new Set();
const lines = [];
const sections = [];

function section(name) {
  sections.push({ name, start: lines.length });
}

/** Adds a bit pattern unless already present. */
function addBits(bits) {
  bits = BigInt.asUintN(64, bits);
  if (seen.has(bits)) return;
  seen.add(bits);
  lines.push(`${formatBits(bits)},${expectedString(bits)}\n`);
}

function addFinite(bits) {
  if (!isNonFinite(BigInt.asUintN(64, bits))) addBits(bits);
}

function add(x) {
  if (!Number.isFinite(x)) fail(`not finite: ${x}`);
  addBits(doubleToBits(x));
}

/** The bit patterns of x and of its `k` nearest neighbours on each side with the same sign. */
function addWithNeighbours(x, k) {
  const bits = doubleToBits(x);
  const sign = bits & SIGN_BIT;
  const magnitude = bits & ~SIGN_BIT;
  for (let j = -k; j <= k; j++) {
    const m = magnitude + BigInt(j);
    if (m < 0n || m > MAX_FINITE_MAGNITUDE) continue;
    addBits(sign | m);
  }
}

const neg = (x) => -x;

/** Random finite double whose bit pattern lies in [bits(lo), bits(hi)], both positive. */
function randomBetween(lo, hi) {
  const a = doubleToBits(lo);
  const b = doubleToBits(hi);
  return bitsToDouble(a + rng.nextBelowBig(b - a + 1n));
}

function randomDigits(count) {
  let s = String(rng.nextRange(1, 9));
  for (let i = 1; i < count; i++) s += String(rng.nextInt(10));
  return s;
}

// ---------------------------------------------------------------------------
section('fixed edge values');
for (const x of [
  0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE,
  2.2250738585072014e-308, 2.225073858507201e-308, // smallest normal, largest subnormal
  1, -1, 0.1, 0.2, 0.3, 0.1 + 0.2, 0.5, 1 / 3, 2 / 3, Math.PI, Math.E, Number.EPSILON,
  Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, Number.MAX_SAFE_INTEGER + 3,
  1e21, 999999999999999900000, 1e-6, 9.999999999999997e-7, 1e-7, 1e23, 1e22, 5e-324, 1.5, 100, 123456789,
  4294967295, 4294967296, 2147483647, 2147483648, -2147483648,
]) add(x);
addBits(0x000fffffffffffffn);
addBits(0x0010000000000000n);

section('NaN and Infinity patterns (expected empty)');
for (const bits of [
  0x7ff0000000000000n, 0xfff0000000000000n, // +Infinity, -Infinity
  0x7ff8000000000000n, 0xfff8000000000000n, // quiet NaN, both signs
  0x7ff0000000000001n, 0x7ff4000000000000n, 0x7ff7ffffffffffffn, // signalling NaN payloads
  0x7ff8000000000001n, 0x7ffc000000000000n, 0x7fffffffffffffffn,
  0xfff0000000000001n, 0xffffffffffffffffn,
]) addBits(bits);

section('uniformly random 64-bit patterns');
for (let i = 0; i < 45_000; i++) addFinite(rng.nextU64());

section('subnormals');
for (let m = 1n; m <= 1000n; m++) addBits(m);
for (let m = 1n; m <= 1000n; m++) addBits(SIGN_BIT | m);
for (let i = 0; i < 3_000; i++) {
  addBits((rng.oneIn(2) ? SIGN_BIT : 0n) | (1n + rng.nextBelowBig((1n << 52n) - 1n)));
}
for (let i = 0; i < 3_000; i++) {
  // mantissa with a random bit length, so tiny and large subnormals are equally likely
  const width = BigInt(rng.nextRange(1, 52));
  addBits((1n << (width - 1n)) | rng.nextBits(width - 1n));
}

section('integers below 2^53, around 2^53 and above');
for (let i = 0; i < 6_000; i++) {
  const width = BigInt(rng.nextRange(1, 53));
  const n = Number((1n << (width - 1n)) | rng.nextBits(width - 1n));
  add(rng.oneIn(4) ? -n : n);
}
addWithNeighbours(2 ** 53, 500); // below: every integer; above: every second integer
for (let i = 0; i < 3_000; i++) {
  const width = BigInt(rng.nextRange(54, 70)); // rounded to the nearest double
  add(Number((1n << (width - 1n)) | rng.nextBits(width - 1n)));
}

section('around 1e21 (switch from plain digits to exponent form)');
addWithNeighbours(1e21, 1000);
for (let i = 0; i < 3_000; i++) add(randomBetween(1e20, 1e22));

section('around 1e-6 and 1e-7 (switch from 0.00000d to exponent form)');
addWithNeighbours(1e-6, 1000);
addWithNeighbours(1e-7, 1000);
for (let i = 0; i < 3_000; i++) add(randomBetween(1e-8, 1e-5));

section('short decimals d.ddd x 10^e from text, with nextUp and nextDown');
function addDecimals(count, minExp, maxExp) {
  for (let i = 0; i < count; i++) {
    const digits = randomDigits(rng.nextRange(1, 17));
    const text = `${rng.oneIn(4) ? '-' : ''}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${rng.nextRange(minExp, maxExp)}`;
    const x = Number(text);
    if (!Number.isFinite(x) || x === 0) continue;
    addWithNeighbours(x, 1);
  }
}
addDecimals(8_000, -324, 308);
addDecimals(4_000, -10, 25); // the plain-notation window and its edges

section('powers of two and ten with neighbours');
for (let e = -1074; e <= 1023; e++) addWithNeighbours(2 ** e, 1);
for (let e = -323; e <= 308; e++) addWithNeighbours(Number(`1e${e}`), 1);

section('negatives of boundary and power values');
const mirror = [];
for (const x of [1e21, 1e-6, 1e-7, 2 ** 53]) mirror.push(x);
for (let e = -1074; e <= 1023; e++) mirror.push(2 ** e);
for (let e = -323; e <= 308; e++) mirror.push(Number(`1e${e}`));
for (const x of mirror) addWithNeighbours(neg(x), 1);
addWithNeighbours(-1e21, 200);
addWithNeighbours(-1e-6, 200);
addWithNeighbours(-1e-7, 200);

// ---------------------------------------------------------------------------
if (lines.length < MIN_LINES) fail(`only ${lines.length} lines; expected at least ${MIN_LINES}`);

// Self-check: every line re-reads to the pattern it names and the oracle string.
for (const line of lines) {
  const [hex, expected] = line.slice(0, -1).split(',');
  const bits = BigInt(`0x${hex}`);
  if (formatBits(bits) !== hex) fail(`non-canonical hex ${hex}`);
  if (!isNonFinite(bits) && Number(expected) !== bitsToDouble(bits)) fail(`round trip failed: ${line}`);
}

const text = Buffer.from(lines.join(''), 'utf8');
const gz = gzipDeterministic(text);
if (!zlib.gunzipSync(gz).equals(text)) fail('gzip round trip failed');
writeFixture(fixturePath('numbers', 'node-generated.csv.gz'), gz);

for (let i = 0; i < sections.length; i++) {
  const end = i + 1 < sections.length ? sections[i + 1].start : lines.length;
  console.log(`${String(end - sections[i].start).padStart(7)}  ${sections[i].name}`);
}
console.log(`uncompressed sha256 ${crypto.createHash('sha256').update(text).digest('hex')}`);
finish(`fixtures/numbers/node-generated.csv.gz (${lines.length} lines, ${text.length} bytes uncompressed, ${gz.length} gzipped)`);
