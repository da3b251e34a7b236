// Checks the copied (not generated) fixtures against the values they were
// published with, and every number fixture against Node's Number.prototype.toString.
//
//   node conformance/tools/check-published.mjs
//
// Exits non-zero on the first problem. Writes nothing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fixturePath, displayName } from './lib/paths.mjs';
import { fail } from './lib/io.mjs';
import { bitsToDouble, expectedString, formatBits } from './lib/numbers.mjs';

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

// SHA-256 of each copied file, taken from the published source (see conformance/README.md).
const PINNED = {
  'jcs/input/arrays.json': 'e503b6d71d1afa595b1c74b1016445c944cd89f90418066b23de1aeda7d17563',
  'jcs/output/arrays.json': '099601b171cafed97c333f8878d68e7f8c8f795412adb34b2fdcf0e7c7beac42',
  'jcs/input/french.json': '03676a951cd8753ac62589f72eb2105cc782c33425418cfe1d517c111f6e5d5a',
  'jcs/output/french.json': 'd99d0ebdcb0033cb858cfa830ae46bc0fb3309413b271f1da828c89901a27ed5',
  'jcs/input/structures.json': 'd66893805be1784116af50af3110d08766c70a6b4aad93374723f72346e7aaa6',
  'jcs/output/structures.json': '605f65004ec2db7692522a0852c22f1c989e036d547e88963d1a3143cf3195d5',
  'jcs/input/unicode.json': '4621864e014d4a805a563f55b9ea20aba4a2d2dc09c7394f625496998c00702c',
  'jcs/output/unicode.json': '0d99aad92a125196ff887876643fd3206786a84ddce2cee52ba4ad256d2381d3',
  'jcs/input/values.json': 'c4a041b503d6bc236036ef44db4dac499272f60fc22c40dc3b7a54870ba6f1c3',
  'jcs/output/values.json': '2d5e01a318d0f0879ab568c4be289c8b1f64ef8921a53c6277d5e069978baacb',
  'jcs/input/weird.json': 'a3a905266bd4a49a969274ea69baa14ee0c4af0ead926d6fa2b7612b4af75387',
  'jcs/output/weird.json': '6af595a9aa80110b964b4de3f82a05fa6ae7423005019bacfa2620dddc4e94d1',
  'jcs/input/rfc8785-sorting.json': '0f7291c1b0a21d3c7b1c8571743571b190d6aa5ca532f8d945c562c517a051aa',
  'jcs/output/rfc8785-sorting.json': '5e321556d22018a9656991a9e94f77ec175fa193e52a2429d312f8419ec8b08c',
  // published SHA-256 of the first 10,000 lines of es6testfile100m.txt
  'numbers/es6-first-10k.csv': 'b9f7a8e75ef22a835685a52ccba7f7d6bdc99e34b010992cbc5864cd12be6892',
};

for (const [rel, expected] of Object.entries(PINNED)) {
  const actual = sha256(fs.readFileSync(fixturePath(...rel.split('/'))));
  if (actual !== expected) fail(`fixtures/${rel}: sha256 ${actual}, expected ${expected}`);
}
console.log(`${Object.keys(PINNED).length} copied files match their published SHA-256`);

const numbersDir = fixturePath('numbers');
for (const name of fs.readdirSync(numbersDir).sort()) {
  const file = path.join(numbersDir, name);
  let data = fs.readFileSync(file);
  if (name.endsWith('.csv.gz')) data = zlib.gunzipSync(data);
  else if (!name.endsWith('.csv')) continue;
  const text = data.toString('utf8');
  if (!text.endsWith('\n')) fail(`${displayName(file)}: last line has no newline`);
  const seen = new Set();
  let lines = 0;
  let repeats = 0;
  let rejected = 0;
  for (const line of text.slice(0, -1).split('\n')) {
    lines++;
    const m = /^([0-9a-f]+),(.*)$/.exec(line);
    if (m === null) fail(`${displayName(file)} line ${lines}: bad line ${JSON.stringify(line)}`);
    const bits = BigInt(`0x${m[1]}`);
    if (bits >= 1n << 64n || formatBits(bits) !== m[1]) fail(`${displayName(file)} line ${lines}: bad hex ${m[1]}`);
    if (expectedString(bits) !== m[2]) {
      fail(`${displayName(file)} line ${lines}: ${m[1]} is ${String(bitsToDouble(bits))} in this Node, file says ${m[2]}`);
    }
    if (m[2] === '') rejected++;
    if (seen.has(bits)) repeats++;
    seen.add(bits);
  }
  console.log(`${displayName(file)}: ${lines} lines agree with Number.prototype.toString (${rejected} NaN/Infinity, ${repeats} repeated patterns)`);
}
