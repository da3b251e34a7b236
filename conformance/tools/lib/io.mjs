// Writing generated fixtures. Every generator goes through here so that
// `--check` (compare with the files on disk, write nothing) works the same way
// for all of them.
import fs from 'node:fs';
import path from 'node:path';
import { displayName } from './paths.mjs';

const checkOnly = process.argv.includes('--check');
const mismatches = [];

/** Writes `content` (Buffer or string, written as UTF-8) unless it is already identical. */
export function writeFixture(file, content) {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  let existing = null;
  try {
    existing = fs.readFileSync(file);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  if (existing !== null && existing.equals(bytes)) return;
  if (checkOnly) {
    mismatches.push(`${existing === null ? 'missing' : 'differs'}: ${displayName(file)}`);
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
}

/** Deletes files in `dir` matching `owned` that this run did not produce. */
export function removeStale(dir, owned, produced) {
  if (!fs.existsSync(dir)) return;
  const keep = new Set(produced.map((f) => path.resolve(f)));
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.resolve(dir, name);
    if (!owned(name) || keep.has(file)) continue;
    if (checkOnly) {
      mismatches.push(`stale: ${displayName(file)}`);
    } else {
      fs.unlinkSync(file);
    }
  }
}

/** Ends the run: in --check mode, reports differences and sets the exit code. */
export function finish(summary) {
  if (checkOnly) {
    if (mismatches.length > 0) {
      for (const m of mismatches) console.error(m);
      console.error(`${mismatches.length} fixture file(s) are not up to date; run without --check`);
      process.exitCode = 1;
      return;
    }
    console.log(`up to date: ${summary}`);
    return;
  }
  console.log(`wrote ${summary}`);
}

export function fail(message) {
  throw new Error(message);
}
