// Writes fixtures/crypto/*.json: vectors for the libsodium primitives that
// claudemesh uses for identity and DMs (SPEC §2.1, §7.1, §7.3), computed with
// the npm package libsodium-wrappers pinned in package.json.
//
//   cd conformance/tools && npm ci && node gen-crypto.mjs [--check]
//
// One file per primitive; each holds one top-level array named after it:
//   sign.json      {"sign":[{seed_hex, public_hex, message_utf8, signature_hex}]}
//   convert.json   {"convert":[{ed25519_public_hex, ed25519_secret_hex, x25519_public_hex, x25519_secret_hex}]}
//   box.json       {"box":[{sender_ed25519_secret_hex, sender_ed25519_public_hex,
//                           recipient_ed25519_secret_hex, recipient_ed25519_public_hex,
//                           nonce_b64, plaintext_utf8, ciphertext_b64}]}
//   hello.json     {"hello":[{mesh_id, member_id, pubkey, timestamp, secret_hex, signature_hex}]}
//   secretbox.json {"secretbox":[{key_hex, nonce_b64, plaintext_utf8, ciphertext_b64}]}
//   seal.json      {"seal":[{recipient_ed25519_secret_hex, recipient_ed25519_public_hex, plaintext_utf8, sealed_b64}]}
//
// Every seed, key, nonce and generated text comes from SplitMix64 with a fixed
// seed per array, so a re-run writes the same bytes. crypto_box_seal draws a
// random ephemeral key inside libsodium; to stay deterministic, the sealed
// boxes here are built from libsodium calls with an ephemeral key from the
// generator (the construction libsodium documents), and every one is opened
// with crypto_box_seal_open before it is written.
import path from 'node:path';
import { SplitMix64 } from './lib/prng.mjs';
import { fixturePath } from './lib/paths.mjs';
import { writeFixture, removeStale, finish, fail } from './lib/io.mjs';

let sodium;
try {
  sodium = (await import('libsodium-wrappers')).default;
} catch (e) {
  console.error('libsodium-wrappers is not installed: run `npm ci` in conformance/tools first');
  throw e;
}
await sodium.ready;

/** Vectors per array (fixed cases first, generated ones fill up to this count). */
const COUNT = 64;

/** SplitMix64 seed of one array: the 8 ASCII bytes of `name`, big-endian. */
function asciiSeed(name) {
  if (name.length !== 8) fail(`seed name must be 8 ASCII bytes: ${name}`);
  return BigInt(`0x${Buffer.from(name, 'ascii').toString('hex')}`);
}
export const SEEDS = {
  sign: asciiSeed('cm-sign!'),
  convert: asciiSeed('cm-conv!'),
  box: asciiSeed('cm-box!!'),
  hello: asciiSeed('cm-hello'),
  secretbox: asciiSeed('cm-sbox!'),
  seal: asciiSeed('cm-seal!'),
};

// ---------------------------------------------------------------------------
// Encoding helpers.

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const utf8 = (text) => new Uint8Array(Buffer.from(text, 'utf8'));
const fromHex = (text) => new Uint8Array(Buffer.from(text, 'hex'));
const equalBytes = (a, b) => Buffer.from(a).equals(Buffer.from(b));
const utf8Length = (text) => Buffer.byteLength(text, 'utf8');

/** `n` bytes from the generator: 64-bit draws, each written big-endian. */
function randomBytes(rng, n) {
  const out = Buffer.alloc(Math.ceil(n / 8) * 8);
  for (let i = 0; i < out.length; i += 8) out.writeBigUInt64BE(rng.nextU64(), i);
  return new Uint8Array(out.subarray(0, n));
}

const filled = (n, byte) => new Uint8Array(n).fill(byte);
const counting = (n) => Uint8Array.from({ length: n }, (_, i) => i);

// ---------------------------------------------------------------------------
// Text. Only Unicode scalar values are produced (no lone surrogates), so every
// string survives UTF-8 and JSON unchanged.

const WORDS = ['mesh', 'deploy', 'review', 'ping', 'ack', 'build', 'agent', 'queue', 'topic', 'ok', 'retry', 'hello', 'world', 'status', 'PR #42', 'v2.4.1'];
const LATIN = 'àáâäæçèéêëìíîïñòóôöøùúûüÿßœÅÉÑÜ';
const GREEK_CYRILLIC = 'αβγδεζηθλμπσωΩΔЖДЯжщъыэюя';
const RTL = ['مرحبا', 'سلام', 'שלום', 'עולם'];
const ZWJ = ['👩‍💻', '👨‍👩‍👧', '🏳️‍🌈', '🧑🏽‍🚀'];

/** One random piece of text from a mix of scripts and control characters. */
function token(rng) {
  switch (rng.nextInt(14)) {
    case 0: case 1: case 2: case 3: return rng.pick(WORDS);
    case 4: return ' ';
    case 5: return LATIN[rng.nextInt(LATIN.length)];
    case 6: return GREEK_CYRILLIC[rng.nextInt(GREEK_CYRILLIC.length)];
    case 7: return String.fromCodePoint(rng.nextRange(0x4e00, 0x9fff)); // CJK
    case 8: return String.fromCodePoint(rng.nextRange(0xac00, 0xd7a3)); // Hangul
    case 9: return String.fromCodePoint(rng.nextRange(0x1f300, 0x1f64f)); // emoji (4 UTF-8 bytes)
    case 10: return String.fromCodePoint(rng.pick([rng.nextRange(0x20000, 0x2a6df), rng.nextRange(0x1d400, 0x1d7ff)])); // other astral
    case 11: return rng.pick(RTL);
    case 12: return rng.pick(ZWJ);
    default: return rng.pick(['\n', '\r\n', '\t', '\u0000', '"', '\\', '\u2028', '.', ',']);
  }
}

/** Random text of exactly `bytes` UTF-8 bytes (ASCII padding at the end). */
function textOfBytes(rng, bytes) {
  let text = '';
  let size = 0;
  for (;;) {
    const t = token(rng);
    const n = utf8Length(t);
    if (size + n > bytes) break;
    text += t;
    size += n;
  }
  return text + 'x'.repeat(bytes - size);
}

/** Random text of a random length, mostly short. */
function randomText(rng) {
  const bytes = rng.oneIn(8) ? rng.nextRange(200, 1500) : rng.nextRange(1, 120);
  return textOfBytes(rng, bytes);
}

const ascii = (n) => 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(n / 36)).slice(0, n);

/**
 * Plaintexts every message-taking array starts with: the empty string, ASCII,
 * multi-byte and astral UTF-8, NUL, newlines, lengths around the 16/32/64-byte
 * block sizes of Poly1305 and XSalsa20, and large texts up to 64 KiB.
 */
function fixedTexts(rng) {
  return [
    '',
    'a',
    'hello',
    'The quick brown fox jumps over the lazy dog',
    'café naïve façade — résumé, Grüße aus Köln',
    '東京で会いましょう。明日の会議は十時からです。',
    '한국어 메시지 테스트',
    'مرحبا بالعالم — שלום עולם',
    '😀🚀 launch 👩‍💻 done 🏳️‍🌈',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠜎𠜱𠝹 \u{10FFFF}',
    'e\u0301 vs \u00e9',
    '\uFEFFstarts with a byte-order mark',
    'a\u0000b',
    '\u0000',
    'trailing NUL\u0000',
    'line 1\nline 2\n',
    'line 1\r\nline 2\r\n',
    'only CR\rhere',
    '\ttab\tseparated\tvalues',
    'line\u2028separator and paragraph\u2029separator',
    '{"type":"dm","body":"hi","meta":{"attempt":1}}',
    ascii(15), ascii(16), ascii(17),
    ascii(31), ascii(32), ascii(33),
    ascii(63), ascii(64), ascii(65),
    ascii(127), ascii(128), ascii(129),
    ascii(1024),
    textOfBytes(rng, 1025),
    textOfBytes(rng, 4096),
    textOfBytes(rng, 16 * 1024),
    textOfBytes(rng, 64 * 1024),
  ];
}

// ---------------------------------------------------------------------------
// Keys.

/** Well-known ed25519 seeds with expected results (RFC 8032 §7.1, tests 1 and 2). */
const RFC8032 = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: 'r', // the one byte 0x72
    signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

/** Edge seeds used before generated ones. */
const FIXED_SEEDS = [filled(32, 0x00), filled(32, 0xff), counting(32), fromHex(RFC8032[0].seed), fromHex(RFC8032[1].seed)];

/** ed25519 key pair from a seed, checked: secret = seed ‖ public. */
function keypair(seed) {
  const kp = sodium.crypto_sign_seed_keypair(seed);
  if (kp.publicKey.length !== 32 || kp.privateKey.length !== 64) fail('unexpected key sizes');
  if (!equalBytes(kp.privateKey.subarray(0, 32), seed)) fail('secret key does not start with the seed');
  if (!equalBytes(kp.privateKey.subarray(32), kp.publicKey)) fail('secret key does not end with the public key');
  return { seed, public: kp.publicKey, secret: kp.privateKey };
}

/** The X25519 keys libsodium derives from an ed25519 pair, checked against each other. */
function x25519Of(kp) {
  const pub = sodium.crypto_sign_ed25519_pk_to_curve25519(kp.public);
  const sec = sodium.crypto_sign_ed25519_sk_to_curve25519(kp.secret);
  if (!equalBytes(sodium.crypto_scalarmult_base(sec), pub)) fail('converted X25519 keys do not match');
  if ((sec[0] & 7) !== 0 || (sec[31] & 0xc0) !== 0x40) fail('converted X25519 secret is not clamped');
  return { public: pub, secret: sec };
}

/** Generator of key pairs: the fixed seeds first, then random ones. */
function keySource(rng) {
  let i = 0;
  return () => keypair(i < FIXED_SEEDS.length ? FIXED_SEEDS[i++] : randomBytes(rng, 32));
}

// ---------------------------------------------------------------------------
// Arrays.

function signVectors() {
  const rng = new SplitMix64(SEEDS.sign);
  const out = [];
  for (const r of RFC8032) {
    const kp = keypair(fromHex(r.seed));
    const sig = sodium.crypto_sign_detached(utf8(r.message), kp.secret);
    if (hex(kp.public) !== r.public || hex(sig) !== r.signature) fail('RFC 8032 test vector does not reproduce');
    out.push({ seed_hex: r.seed, public_hex: r.public, message_utf8: r.message, signature_hex: r.signature });
  }
  const nextKey = keySource(rng);
  const texts = fixedTexts(rng);
  // Hello-shaped messages are signed here too, as plain strings.
  texts.push('6f0a9c2e-4b1d-4f3a-9e8c-7d2b1a0f5e4c|alice|d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a|1767225600000');
  while (texts.length + out.length < COUNT) texts.push(randomText(rng));
  for (const message of texts) {
    const kp = nextKey();
    const sig = sodium.crypto_sign_detached(utf8(message), kp.secret);
    out.push({ seed_hex: hex(kp.seed), public_hex: hex(kp.public), message_utf8: message, signature_hex: hex(sig) });
  }
  return out;
}

function convertVectors() {
  const rng = new SplitMix64(SEEDS.convert);
  const nextKey = keySource(rng);
  const out = [];
  while (out.length < COUNT) {
    const kp = nextKey();
    const x = x25519Of(kp);
    out.push({
      ed25519_public_hex: hex(kp.public),
      ed25519_secret_hex: hex(kp.secret),
      x25519_public_hex: hex(x.public),
      x25519_secret_hex: hex(x.secret),
    });
  }
  return out;
}

function boxVectors() {
  const rng = new SplitMix64(SEEDS.box);
  const nextKey = keySource(rng);
  const texts = fixedTexts(rng);
  while (texts.length < COUNT) texts.push(randomText(rng));
  const fixedNonces = [filled(24, 0x00), filled(24, 0xff), counting(24)];
  return texts.map((plaintext, i) => {
    const sender = nextKey();
    // One message to oneself (sender = recipient); the others to a new key.
    const recipient = i === 3 ? sender : nextKey();
    const nonce = i < fixedNonces.length ? fixedNonces[i] : randomBytes(rng, 24);
    return {
      sender_ed25519_secret_hex: hex(sender.secret),
      sender_ed25519_public_hex: hex(sender.public),
      recipient_ed25519_secret_hex: hex(recipient.secret),
      recipient_ed25519_public_hex: hex(recipient.public),
      nonce_b64: b64(nonce),
      plaintext_utf8: plaintext,
      ciphertext_b64: b64(sodium.crypto_box_easy(utf8(plaintext), nonce, x25519Of(recipient).public, x25519Of(sender).secret)),
    };
  });
}

function uuid(rng) {
  const b = randomBytes(rng, 16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function helloVectors() {
  const rng = new SplitMix64(SEEDS.hello);
  const nextKey = keySource(rng);
  const MESH_SLUGS = ['acme-eng', 'platform', 'ops', 'équipe-paris', 'café-crew', '東京チーム', 'mesh-🚀', 'Zürich_Ops', 'команда', 'x'];
  const MEMBER_SLUGS = ['alice', 'bob-laptop', 'ci-runner-7', 'søren', 'zoë', '李雷', '山田太郎', 'agent-🤖', 'renée.dubois', 'm'];
  // 2026-01-01T00:00:00Z, then edge values: zero, one, 12 and 13 digits, the largest safe integer.
  const BASE = 1767225600000;
  const FIXED_TIMES = [BASE, 0, 1, 999999999999, 1000000000000, 9999999999999, 9007199254740991];
  const out = [];
  for (let i = 0; out.length < COUNT; i++) {
    const kp = nextKey();
    const meshId = i < MESH_SLUGS.length ? MESH_SLUGS[i] : rng.oneIn(3) ? rng.pick(MESH_SLUGS) : uuid(rng);
    const memberId = i < MEMBER_SLUGS.length ? MEMBER_SLUGS[i] : rng.oneIn(3) ? rng.pick(MEMBER_SLUGS) : uuid(rng);
    // Otherwise within two years either side of BASE.
    const timestamp = i < FIXED_TIMES.length ? FIXED_TIMES[i] : BASE + rng.nextRange(-63_072_000_000, 63_072_000_000);
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) fail(`bad timestamp ${timestamp}`);
    const pubkey = hex(kp.public);
    const signed = `${meshId}|${memberId}|${pubkey}|${timestamp}`;
    out.push({
      mesh_id: meshId,
      member_id: memberId,
      pubkey,
      timestamp,
      secret_hex: hex(kp.secret),
      signature_hex: hex(sodium.crypto_sign_detached(utf8(signed), kp.secret)),
    });
  }
  return out;
}

function secretboxVectors() {
  const rng = new SplitMix64(SEEDS.secretbox);
  const texts = fixedTexts(rng);
  while (texts.length < COUNT) texts.push(randomText(rng));
  const fixedKeys = [filled(32, 0x00), filled(32, 0xff), counting(32)];
  const fixedNonces = [filled(24, 0x00), filled(24, 0xff), counting(24)];
  return texts.map((plaintext, i) => {
    const key = i < fixedKeys.length ? fixedKeys[i] : randomBytes(rng, 32);
    const nonce = i < fixedNonces.length ? fixedNonces[i] : randomBytes(rng, 24);
    return {
      key_hex: hex(key),
      nonce_b64: b64(nonce),
      plaintext_utf8: plaintext,
      ciphertext_b64: b64(sodium.crypto_secretbox_easy(utf8(plaintext), nonce, key)),
    };
  });
}

/**
 * crypto_box_seal with a given ephemeral key pair: ephemeral public ‖
 * crypto_box_easy(m, nonce, recipient public, ephemeral secret), where nonce =
 * BLAKE2b-192(ephemeral public ‖ recipient public). libsodium does the same
 * with a random ephemeral key.
 */
function sealWith(message, recipientX25519Public, ephemeral) {
  const nonceInput = new Uint8Array([...ephemeral.publicKey, ...recipientX25519Public]);
  const nonce = sodium.crypto_generichash(24, nonceInput, null);
  const box = sodium.crypto_box_easy(message, nonce, recipientX25519Public, ephemeral.privateKey);
  return new Uint8Array([...ephemeral.publicKey, ...box]);
}

/** Checks the construction above against libsodium's own, randomized crypto_box_seal. */
function checkSealConstruction(message, recipient) {
  const sealed = sodium.crypto_box_seal(message, recipient.public);
  const epk = sealed.subarray(0, 32);
  const nonce = sodium.crypto_generichash(24, new Uint8Array([...epk, ...recipient.public]), null);
  // crypto_box is symmetric in its two key pairs: (epk, recipient secret) gives the same box as (recipient public, ephemeral secret).
  const box = sodium.crypto_box_easy(message, nonce, epk, recipient.secret);
  if (!equalBytes(sealed.subarray(32), box)) fail('libsodium crypto_box_seal differs from the documented construction');
}

function sealVectors() {
  const rng = new SplitMix64(SEEDS.seal);
  const nextKey = keySource(rng);
  const texts = fixedTexts(rng);
  while (texts.length < COUNT) texts.push(randomText(rng));
  return texts.map((plaintext) => {
    const recipient = nextKey();
    const x = x25519Of(recipient);
    const ephemeral = sodium.crypto_box_seed_keypair(randomBytes(rng, 32));
    const message = utf8(plaintext);
    checkSealConstruction(message, x);
    return {
      recipient_ed25519_secret_hex: hex(recipient.secret),
      recipient_ed25519_public_hex: hex(recipient.public),
      plaintext_utf8: plaintext,
      sealed_b64: b64(sealWith(message, x.public, ephemeral)),
    };
  });
}

// ---------------------------------------------------------------------------
// Checks, done on the parsed files exactly as a runner would do them.

const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function must(cond, what) {
  if (!cond) fail(what);
}

function bytesOfB64(text, what) {
  must(B64.test(text), `${what}: not padded standard base64`);
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  must(b64(bytes) === text, `${what}: base64 does not round-trip`);
  return bytes;
}

function keysFromSecret(secretHex, publicHex, what) {
  must(HEX128.test(secretHex) && HEX64.test(publicHex), `${what}: key format`);
  const kp = keypair(fromHex(secretHex.slice(0, 64)));
  must(hex(kp.secret) === secretHex && hex(kp.public) === publicHex, `${what}: secret and public key do not match`);
  return kp;
}

function verifySignature(message, sigHex, kp, what) {
  must(HEX128.test(sigHex), `${what}: signature format`);
  const m = utf8(message);
  const sig = fromHex(sigHex);
  must(hex(sodium.crypto_sign_detached(m, kp.secret)) === sigHex, `${what}: signature does not reproduce`);
  must(sodium.crypto_sign_verify_detached(sig, m, kp.public), `${what}: signature does not verify`);
  const bad = sig.slice();
  bad[bad.length - 1] ^= 1;
  must(!sodium.crypto_sign_verify_detached(bad, m, kp.public), `${what}: altered signature verifies`);
  // Combined form: signature ‖ message, opened with the public key.
  must(equalBytes(sodium.crypto_sign_open(new Uint8Array([...sig, ...m]), kp.public), m), `${what}: crypto_sign_open`);
}

const CHECKS = {
  sign(v, what) {
    must(HEX64.test(v.seed_hex), `${what}: seed format`);
    const kp = keypair(fromHex(v.seed_hex));
    must(hex(kp.public) === v.public_hex, `${what}: public key`);
    verifySignature(v.message_utf8, v.signature_hex, kp, what);
  },
  convert(v, what) {
    const kp = keysFromSecret(v.ed25519_secret_hex, v.ed25519_public_hex, what);
    const x = x25519Of(kp);
    must(hex(x.public) === v.x25519_public_hex && hex(x.secret) === v.x25519_secret_hex, `${what}: conversion`);
  },
  box(v, what) {
    const s = x25519Of(keysFromSecret(v.sender_ed25519_secret_hex, v.sender_ed25519_public_hex, `${what} sender`));
    const r = x25519Of(keysFromSecret(v.recipient_ed25519_secret_hex, v.recipient_ed25519_public_hex, `${what} recipient`));
    const nonce = bytesOfB64(v.nonce_b64, `${what} nonce`);
    must(nonce.length === 24, `${what}: nonce length`);
    const ct = bytesOfB64(v.ciphertext_b64, `${what} ciphertext`);
    const m = utf8(v.plaintext_utf8);
    must(ct.length === m.length + 16, `${what}: ciphertext length`);
    must(equalBytes(sodium.crypto_box_easy(m, nonce, r.public, s.secret), ct), `${what}: ciphertext does not reproduce`);
    must(equalBytes(sodium.crypto_box_open_easy(ct, nonce, s.public, r.secret), m), `${what}: does not open`);
    const bad = ct.slice();
    bad[0] ^= 1;
    let opened = true;
    try { sodium.crypto_box_open_easy(bad, nonce, s.public, r.secret); } catch { opened = false; }
    must(!opened, `${what}: altered ciphertext opens`);
  },
  hello(v, what) {
    must(typeof v.mesh_id === 'string' && typeof v.member_id === 'string', `${what}: ids`);
    must(Number.isSafeInteger(v.timestamp) && v.timestamp >= 0, `${what}: timestamp`);
    const kp = keysFromSecret(v.secret_hex, v.pubkey, what);
    verifySignature(`${v.mesh_id}|${v.member_id}|${v.pubkey}|${v.timestamp}`, v.signature_hex, kp, what);
  },
  secretbox(v, what) {
    must(HEX64.test(v.key_hex), `${what}: key format`);
    const key = fromHex(v.key_hex);
    const nonce = bytesOfB64(v.nonce_b64, `${what} nonce`);
    must(nonce.length === 24, `${what}: nonce length`);
    const ct = bytesOfB64(v.ciphertext_b64, `${what} ciphertext`);
    const m = utf8(v.plaintext_utf8);
    must(equalBytes(sodium.crypto_secretbox_easy(m, nonce, key), ct), `${what}: ciphertext does not reproduce`);
    must(equalBytes(sodium.crypto_secretbox_open_easy(ct, nonce, key), m), `${what}: does not open`);
  },
  seal(v, what) {
    const r = x25519Of(keysFromSecret(v.recipient_ed25519_secret_hex, v.recipient_ed25519_public_hex, what));
    const sealed = bytesOfB64(v.sealed_b64, `${what} sealed`);
    const m = utf8(v.plaintext_utf8);
    must(sealed.length === m.length + 48, `${what}: sealed length`);
    must(equalBytes(sodium.crypto_box_seal_open(sealed, r.public, r.secret), m), `${what}: does not open`);
  },
};

// ---------------------------------------------------------------------------

const FILES = {
  sign: signVectors(),
  convert: convertVectors(),
  box: boxVectors(),
  hello: helloVectors(),
  secretbox: secretboxVectors(),
  seal: sealVectors(),
};

const dir = fixturePath('crypto');
const produced = [];
const counts = [];
for (const [name, vectors] of Object.entries(FILES)) {
  if (vectors.length < 60) fail(`${name}: only ${vectors.length} vectors`);
  const text = `${JSON.stringify({ [name]: vectors }, null, 2)}\n`;
  // Read back as a consumer would and check every vector.
  const parsed = JSON.parse(text);
  must(Object.keys(parsed).join() === name, `${name}: top-level names`);
  must(parsed[name].length === vectors.length, `${name}: count changed`);
  const fields = Object.keys(vectors[0]).join();
  parsed[name].forEach((v, i) => {
    must(Object.keys(v).join() === fields, `${name}[${i}]: fields`);
    CHECKS[name](v, `${name}[${i}]`);
  });
  const target = path.join(dir, `${name}.json`);
  writeFixture(target, text);
  produced.push(target);
  counts.push(`${name} ${vectors.length}`);
}
removeStale(dir, (n) => n.endsWith('.json'), produced);
finish(`${produced.length} files in fixtures/crypto (${counts.join(', ')}; libsodium ${sodium.SODIUM_VERSION_STRING})`);
