// SplitMix64 (Steele, Lea, Flood 2014) on BigInt: a tiny, fully specified
// generator, so every port can reproduce the same sequence from a seed.
const MASK64 = (1n << 64n) - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;

export class SplitMix64 {
  constructor(seed) {
    this.state = BigInt.asUintN(64, BigInt(seed));
  }

  /** Next 64-bit value as an unsigned BigInt. */
  nextU64() {
    this.state = (this.state + GOLDEN_GAMMA) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }

  /** Uniform BigInt in [0, bound) for 0 < bound <= 2^64 (rejection sampling, no bias). */
  nextBelowBig(bound) {
    if (bound <= 0n || bound > MASK64 + 1n) throw new RangeError(`bad bound ${bound}`);
    const limit = (MASK64 + 1n) - ((MASK64 + 1n) % bound);
    for (;;) {
      const r = this.nextU64();
      if (r < limit) return r % bound;
    }
  }

  /** Uniform BigInt in [0, 2^width), built from 64-bit draws, high bits first. */
  nextBits(width) {
    let result = 0n;
    let remaining = BigInt(width);
    while (remaining > 0n) {
      const take = remaining < 64n ? remaining : 64n;
      result = (result << take) | (this.nextU64() >> (64n - take));
      remaining -= take;
    }
    return result;
  }

  /** Uniform integer in [0, bound) for 0 < bound <= 2^53. */
  nextInt(bound) {
    return Number(this.nextBelowBig(BigInt(bound)));
  }

  /** Uniform integer in [lo, hi], inclusive. */
  nextRange(lo, hi) {
    return lo + this.nextInt(hi - lo + 1);
  }

  /** True with probability 1/n. */
  oneIn(n) {
    return this.nextInt(n) === 0;
  }

  /** One element of a non-empty array. */
  pick(items) {
    return items[this.nextInt(items.length)];
  }
}
