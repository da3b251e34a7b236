// Converts the RFC 8785 Appendix B number table, kept as
// `ieee754_hex,expected,note` CSV with a header and zero-padded hex, into the
// two-column fixture format: fixtures/numbers/rfc8785-samples.csv.
//
//   node conformance/tools/import-rfc-samples.mjs PATH/TO/rfc8785/number-samples.csv
//
// Rows are kept in table order. The hex loses its leading zeros ("0" for zero);
// NaN and Infinity rows keep an empty expected value (the value must be rejected).
import fs from 'node:fs';
import { fixturePath } from './lib/paths.mjs';
import { writeFixture, finish, fail } from './lib/io.mjs';
import { bitsToDouble, formatBits } from './lib/numbers.mjs';

const source = process.argv.slice(2).find((a) => !a.startsWith('--'));
if (!source) fail('usage: import-rfc-samples.mjs NUMBER-SAMPLES.csv [--check]');

const rows = fs.readFileSync(source, 'utf8').split('\n').filter((l) => l !== '');
if (rows[0] !== 'ieee754_hex,expected,note') fail(`unexpected header: ${rows[0]}`);
const out = [];
for (const row of rows.slice(1)) {
  const [hex, expected] = row.split(',');
  if (!/^[0-9a-f]{16}$/.test(hex)) fail(`bad hex: ${row}`);
  const bits = BigInt(`0x${hex}`);
  const x = bitsToDouble(bits);
  const oracle = Number.isFinite(x) ? String(x) : '';
  if (oracle !== expected) fail(`row ${row}: Number.prototype.toString gives "${oracle}"`);
  out.push(`${formatBits(bits)},${expected}\n`);
}
writeFixture(fixturePath('numbers', 'rfc8785-samples.csv'), out.join(''));
finish(`fixtures/numbers/rfc8785-samples.csv (${out.length} lines)`);
