// Locations of the conformance tree, resolved from this file so that the
// generators can be run from any working directory.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONFORMANCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES_DIR = path.join(CONFORMANCE_DIR, 'fixtures');

/** Path of a fixture, relative to conformance/fixtures, as shown in messages. */
export function fixturePath(...parts) {
  return path.join(FIXTURES_DIR, ...parts);
}

/** Short, machine-independent name for messages: "fixtures/..." */
export function displayName(absolute) {
  return path.relative(CONFORMANCE_DIR, absolute).split(path.sep).join('/');
}
