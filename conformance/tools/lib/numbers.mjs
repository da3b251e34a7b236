// IEEE 754 binary64 bit patterns and the number-fixture line format.
const view = new DataView(new ArrayBuffer(8));

export const EXPONENT_MASK = 0x7ff0000000000000n;
export const SIGN_BIT = 0x8000000000000000n;
export const MAX_FINITE_MAGNITUDE = 0x7fefffffffffffffn;

export function bitsToDouble(bits) {
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

export function doubleToBits(x) {
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}

/** True for NaN and infinity patterns (exponent field all ones). */
export function isNonFinite(bits) {
  return (bits & EXPONENT_MASK) === EXPONENT_MASK;
}

/** Lowercase hex without leading zeros; "0" for +0. */
export function formatBits(bits) {
  return bits.toString(16);
}

/** Expected string of a fixture line: ECMAScript Number::toString, or "" for NaN/Infinity. */
export function expectedString(bits) {
  return isNonFinite(bits) ? '' : String(bitsToDouble(bits));
}
