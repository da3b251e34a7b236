// The request fingerprint of SPEC §4.3:
//
//   sha256( envelope_version 0x00 destination_kind 0x00 destination_ref 0x00
//           reply_to_id_or_empty 0x00 priority 0x00 meta_jcs_or_empty 0x00
//           body_sha256_hex )
//
// All fields are UTF-8. reply_to_id null becomes "". meta_jcs is the RFC 8785
// form of meta, or "" when meta is absent, null or {}. body_sha256_hex is the
// lowercase hex SHA-256 of the body's UTF-8 bytes. The result is lowercase hex.
import crypto from 'node:crypto';
import { canonicalize, loneSurrogateIndex } from './jcs.mjs';

export const FIELD_ORDER = [
  'envelope_version', 'destination_kind', 'destination_ref', 'reply_to_id', 'priority', 'meta', 'body',
];

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest();

/** meta_jcs_or_empty for a parsed meta value. */
export function metaJcs(meta) {
  if (meta === null || meta === undefined) return '';
  if (typeof meta !== 'object' || Array.isArray(meta)) throw new TypeError('meta must be an object or null');
  return Object.keys(meta).length === 0 ? '' : canonicalize(meta);
}

/** The bytes that are hashed, for a request whose meta is already parsed. */
export function preimage(request) {
  for (const field of FIELD_ORDER) {
    if (!Object.hasOwn(request, field)) throw new TypeError(`request has no ${field}`);
  }
  const text = (field, value) => {
    if (typeof value !== 'string') throw new TypeError(`${field} must be a string`);
    if (loneSurrogateIndex(value) >= 0) throw new TypeError(`${field} is not valid Unicode`);
    if (field !== 'body' && value.includes('\u0000')) throw new TypeError(`${field} contains NUL`);
    return Buffer.from(value, 'utf8');
  };
  const bodyHash = sha256(text('body', request.body)).toString('hex');
  const fields = [
    text('envelope_version', request.envelope_version),
    text('destination_kind', request.destination_kind),
    text('destination_ref', request.destination_ref),
    text('reply_to_id', request.reply_to_id ?? ''),
    text('priority', request.priority),
    text('meta_jcs', metaJcs(request.meta)),
    text('body_sha256_hex', bodyHash),
  ];
  const parts = [];
  fields.forEach((f, i) => {
    if (i > 0) parts.push(Buffer.from([0x00]));
    parts.push(f);
  });
  return Buffer.concat(parts);
}

/** Lowercase hex request fingerprint (64 characters). */
export function requestFingerprint(request) {
  return sha256(preimage(request)).toString('hex');
}
