// Writes fixtures/wire/valid.json and fixtures/wire/invalid.json: broker wire
// protocol examples (SPEC §7, §11 "wire-envelope examples").
//
//   node conformance/tools/gen-wire.mjs [--check]
//
// valid.json:   {"examples":[{"name","type","frame":{...},"canonical":"..."}]}
//               `canonical` is the exact RFC 8785 text of `frame`; a conforming
//               decoder accepts it and re-encodes it to the same bytes.
// invalid.json: {"cases":[{"name","field","rule","frame":"..."}]}
//               `frame` is the raw text of one WebSocket message that every
//               implementation must reject; `field` is the member the rejection
//               is about (dotted path, `[]` for any array element) or null when
//               the text is not a frame at all.
//
// Everything is derived from fixed strings (SHA-256), and the hello signatures
// are real Ed25519 signatures (deterministic) over "meshId|memberId|pubkey|timestamp".
// DM nonces are 24 bytes, but DM ciphertexts are opaque stand-in bytes: the wire
// layer does not open them (crypto/ has crypto_box vectors).
import crypto from 'node:crypto';
import { fixturePath } from './lib/paths.mjs';
import { writeFixture, removeStale, finish, fail } from './lib/io.mjs';
import { canonicalize, parseStrict } from './lib/jcs.mjs';

const sha = (label) => crypto.createHash('sha256').update(label, 'utf8').digest();
const hex = (label) => sha(label).toString('hex');
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const b64text = (s) => Buffer.from(s, 'utf8').toString('base64');

/** An Ed25519 key pair from a 32-byte seed, through Node's PKCS#8 import. */
function keyPair(seed) {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const privateKey = crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const publicHex = Buffer.from(crypto.createPublicKey(privateKey).export({ format: 'jwk' }).x, 'base64url').toString('hex');
  return { privateKey, publicHex };
}

const ALICE = keyPair(sha('claudemesh wire member alice'));
const BOB = keyPair(sha('claudemesh wire member bob'));
const ALICE_SESSION = keyPair(sha('claudemesh wire session alice'));
const MESH = 'acme-eng';
const T0 = 1767225600000; // 2026-01-01T00:00:00Z
const NONCE_1 = b64(sha('wire nonce 1').subarray(0, 24));
const NONCE_2 = b64(sha('wire nonce 2').subarray(0, 24));
const BOX_1 = b64(Buffer.concat([sha('wire box 1'), sha('wire box 1 tail').subarray(0, 9)]));
const BOX_2 = b64(sha('wire box 2'));
const FP_1 = hex('wire request fingerprint 1');
const FP_2 = hex('wire request fingerprint 2');

function without(object, ...names) {
  const copy = { ...object };
  for (const name of names) delete copy[name];
  return copy;
}

function signHello(meshId, memberId, pair, timestamp) {
  const message = Buffer.from(`${meshId}|${memberId}|${pair.publicHex}|${timestamp}`, 'utf8');
  return crypto.sign(null, message, pair.privateKey).toString('hex');
}

// ---------------------------------------------------------------------------
// Valid frames, written as their canonical members (every member a decoder fills
// with a default is present, so decode → encode gives the same bytes).
const F = {};
F.helloFull = {
  type: 'hello', meshId: MESH, memberId: 'alice', pubkey: ALICE.publicHex, sessionPubkey: ALICE_SESSION.publicHex,
  displayName: 'Alice (laptop)', sessionId: 'sess-01JB8Z5K3M7QH2V9T4N6RX0WYE', pid: 48213, cwd: '/home/alice/src/api',
  hostname: 'alice-laptop', peerType: 'ai', channel: 'stable', protocolVersion: 1,
  capabilities: ['dm', 'topics', 'client_message_id'], timestamp: T0, signature: signHello(MESH, 'alice', ALICE, T0),
};
F.helloMinimal = {
  type: 'hello', meshId: MESH, memberId: 'bob', pubkey: BOB.publicHex, sessionId: 'sess-2', pid: 0, cwd: '',
  peerType: 'human', protocolVersion: 1, capabilities: [], timestamp: T0 + 1, signature: signHello(MESH, 'bob', BOB, T0 + 1),
};
F.helloAck = { type: 'hello_ack', presenceId: 'pres-01JB8Z6', memberDisplayName: 'Alice', protocolVersion: 1, brokerVersion: 'claudemesh-broker 0.1.0' };
F.negotiationRequest = {
  type: 'feature_negotiation_request',
  require: ['client_message_id_dedupe', 'concurrent_connection_policy'],
  optional: ['member_keypair_rotated_event', 'key_epoch', 'max_payload'],
};
F.negotiationResponse = {
  type: 'feature_negotiation_response',
  supported: {
    client_message_id_dedupe: { params: { version: 1, mode: 'retention_scoped', dedupe_retention_days: 30, request_fingerprint: true, tombstone_history_pruned_window_days: 7 } },
    concurrent_connection_policy: { params: { version: 1, default_policy: 'prefer_newest' } },
    member_keypair_rotated_event: { params: { version: 1 } },
    key_epoch: { params: { version: 1, max_concurrent_epochs: 2 } },
    max_payload: { params: { version: 1, inline_bytes: 1048576, blob_bytes: 104857600 } },
  },
  missing_required: [],
};
F.negotiationResponseMissing = {
  type: 'feature_negotiation_response',
  supported: { client_message_id_dedupe: { params: { version: 1, mode: 'permanent', request_fingerprint: true } } },
  missing_required: ['concurrent_connection_policy'],
};
F.sendDm = {
  type: 'send', id: 'cm-01JB8Z7A', targetSpec: BOB.publicHex, priority: 'now', nonce: NONCE_1, ciphertext: BOX_1,
  replyToId: 'msg-01JB8Z70', mentions: ['bob'], meta: { thread: 'release-2.4', attempt: 2 },
  client_message_id: 'cm-01JB8Z7A', request_fingerprint: FP_1, envelope_version: '1', destination_kind: 'dm', destination_ref: BOB.publicHex,
};
F.sendTopic = {
  type: 'send', id: 'cm-01JB8Z7B', targetSpec: '#deploys', priority: 'next', ciphertext: b64text('Deploy finished: 42 services, 0 failures.'),
  client_message_id: 'cm-01JB8Z7B', request_fingerprint: FP_2, envelope_version: '1', destination_kind: 'topic', destination_ref: 'deploys',
};
F.sendOriginal = { type: 'send', id: 'req-17', targetSpec: '#general', priority: 'next', ciphertext: b64text('hi all 👋') };
F.sendOriginalDm = { type: 'send', id: 'req-18', targetSpec: ALICE.publicHex, priority: 'low', nonce: NONCE_2, ciphertext: BOX_2 };
F.sendBroadcast = { type: 'send', id: 'req-19', targetSpec: '*', priority: 'next', ciphertext: b64text('broker maintenance at 18:00') };
const ackBase = {
  type: 'ack', id: 'cm-01JB8Z7A', client_message_id: 'cm-01JB8Z7A', broker_message_id: 'bm-01JB8Z7C', messageId: 'msg-01JB8Z7C',
  history_id: 'h-981', duplicate: false, history_available: true, first_seen_at: T0 + 5, queued: false,
};
F.ack201 = { ...ackBase, status: 201 };
F.ack200 = { ...ackBase, status: 200, duplicate: true };
F.ack409 = {
  ...ackBase, status: 409, duplicate: true, conflict: 'idempotency_key_reused', broker_fingerprint_prefix: FP_1.slice(0, 16),
  error: { code: 'idempotency_key_reused', message: 'client_message_id was used for a different request', permanent: true },
};
F.ack429 = {
  type: 'ack', id: 'req-17', status: 429, duplicate: false, history_available: true, queued: false,
  error: { code: 'rate_limited', message: 'too many sends; retry later', permanent: false },
};
F.ack503 = {
  type: 'ack', id: 'req-18', status: 503, duplicate: false, history_available: false, queued: true,
  error: { code: 'store_unavailable', message: '', permanent: false },
};
F.ackOriginal = { type: 'ack', id: 'req-17', status: 201, messageId: 'msg-01JB8Z7D', duplicate: false, history_available: true, queued: false };
F.pushDm = {
  type: 'push', messageId: 'msg-01JB8Z7C', meshId: MESH, senderPubkey: ALICE.publicHex, senderMemberPubkey: ALICE.publicHex,
  senderMemberId: 'alice', senderName: 'Alice (laptop)', replyToId: 'msg-01JB8Z70', priority: 'now', nonce: NONCE_1, ciphertext: BOX_1,
  createdAt: T0 + 5, meta: { thread: 'release-2.4', attempt: 2 }, client_message_id: 'cm-01JB8Z7A', delivery_id: 'dlv-5501',
};
F.pushDmSession = without({
  ...F.pushDm, messageId: 'msg-01JB8Z7E', senderPubkey: ALICE_SESSION.publicHex, delivery_id: 'dlv-5502', priority: 'next',
}, 'client_message_id', 'meta', 'replyToId');
F.pushTopic = {
  type: 'push', messageId: 'msg-01JB8Z7F', meshId: MESH, senderPubkey: BOB.publicHex, senderMemberPubkey: BOB.publicHex,
  senderMemberId: 'bob', senderName: 'Bob', topic: 'deploys', priority: 'next', ciphertext: b64text('Deploy finished: 42 services, 0 failures.'),
  createdAt: T0 + 6, client_message_id: 'cm-01JB8Z7B', delivery_id: 'dlv-5503',
};
F.pushBroadcast = { ...F.pushTopic, messageId: 'msg-01JB8Z7G', topic: '*', delivery_id: 'dlv-5506', client_message_id: 'cm-01JB8Z7H' };
F.pushSystem = {
  type: 'push', messageId: 'sys-01JB8Z80', meshId: MESH, senderPubkey: 'broker', senderMemberPubkey: 'broker', senderMemberId: 'broker',
  senderName: 'claudemesh', priority: 'low', createdAt: T0 + 7, delivery_id: 'dlv-5504', subtype: 'system', event: 'peer_joined',
  eventData: { memberId: 'bob', displayName: 'Bob', peerType: 'human' },
};
F.pushRotated = {
  ...F.pushSystem, messageId: 'sys-01JB8Z81', delivery_id: 'dlv-5505', event: 'member_keypair_rotated', priority: 'now',
  eventData: { memberId: 'bob', old_pubkey: BOB.publicHex, new_pubkey: hex('bob rotated key') },
};
F.clientAck = { type: 'client_ack', delivery_id: 'dlv-5501', client_message_id: 'cm-01JB8Z7A', broker_message_id: 'bm-01JB8Z7C' };
F.clientAckOriginal = { type: 'client_ack', delivery_id: 'dlv-5503', broker_message_id: 'msg-01JB8Z7F' };
F.listPeers = { type: 'list_peers', _reqId: 'r-1' };
F.peersList = {
  type: 'peers_list', _reqId: 'r-1', peers: [
    { pubkey: ALICE.publicHex, memberId: 'alice', displayName: 'Alice (laptop)', peerType: 'ai', status: 'busy', summary: 'reviewing the API change', title: 'reviewer', capabilities: ['dm', 'topics'], connectedAt: T0 },
    { pubkey: BOB.publicHex, memberId: 'bob', displayName: 'Bob', peerType: 'human', capabilities: [], connectedAt: T0 + 1 },
  ],
};
F.setProfile = { type: 'set_profile', _reqId: 'r-2', summary: 'working on SPEC 7', status: 'busy', title: 'reviewer', bio: 'likes canonical JSON', avatar: 'https://example.org/alice.png', visible: true, capabilities: ['dm'] };
F.setStatus = { type: 'set_status', _reqId: 'r-3', status: 'away' };
F.setSummary = { type: 'set_summary', _reqId: 'r-4', summary: 'line one\nline two' };
F.setVisible = { type: 'set_visible', _reqId: 'r-5', visible: false };
F.topicCreate = { type: 'topic_create', _reqId: 'r-6', topic: 'ops.alerts-eu_1' };
F.topicList = { type: 'topic_list', _reqId: 'r-7' };
F.topicsList = { type: 'topics_list', _reqId: 'r-7', topics: [{ name: 'deploys', subscribed: true, subscribers: 3 }, { name: 'general', subscribed: false, subscribers: 0 }] };
F.topicJoin = { type: 'topic_join', _reqId: 'r-8', topic: '_private' };
F.topicLeave = { type: 'topic_leave', _reqId: 'r-9', topic: 'general' };
F.ok = { type: 'ok', _reqId: 'r-2' };
F.error = { type: 'error', _reqId: 'r-6', code: 'topic_exists', message: 'a topic with that name exists' };
F.errorNoReq = { type: 'error', code: 'rate_limited', message: '' };

const VALID = [
  ['hello-every-member', F.helloFull],
  ['hello-required-only', F.helloMinimal],
  ['hello-ack', F.helloAck],
  ['feature-negotiation-request-daemon-defaults', F.negotiationRequest],
  ['feature-negotiation-response-every-feature', F.negotiationResponse],
  ['feature-negotiation-response-missing-required', F.negotiationResponseMissing],
  ['send-dm-with-idempotency-members', F.sendDm],
  ['send-topic-with-idempotency-members', F.sendTopic],
  ['send-original-claudemesh-topic', F.sendOriginal],
  ['send-original-claudemesh-dm', F.sendOriginalDm],
  ['send-broadcast', F.sendBroadcast],
  ['ack-201-accepted', F.ack201],
  ['ack-200-duplicate', F.ack200],
  ['ack-409-idempotency-key-reused', F.ack409],
  ['ack-429-rate-limited', F.ack429],
  ['ack-503-transient', F.ack503],
  ['ack-original-claudemesh-send', F.ackOriginal],
  ['push-dm', F.pushDm],
  ['push-dm-sealed-with-session-key', F.pushDmSession],
  ['push-topic', F.pushTopic],
  ['push-broadcast', F.pushBroadcast],
  ['push-system-peer-joined', F.pushSystem],
  ['push-system-member-keypair-rotated', F.pushRotated],
  ['client-ack', F.clientAck],
  ['client-ack-without-client-message-id', F.clientAckOriginal],
  ['list-peers', F.listPeers],
  ['peers-list', F.peersList],
  ['set-profile', F.setProfile],
  ['set-status', F.setStatus],
  ['set-summary', F.setSummary],
  ['set-visible', F.setVisible],
  ['topic-create', F.topicCreate],
  ['topic-list', F.topicList],
  ['topics-list', F.topicsList],
  ['topic-join', F.topicJoin],
  ['topic-leave', F.topicLeave],
  ['ok', F.ok],
  ['error-with-req-id', F.error],
  ['error-without-req-id', F.errorNoReq],
];

// ---------------------------------------------------------------------------
// Invalid frames: one edit of a valid frame (`path` a dotted member path, value
// DELETE to remove it), or raw text.
const DELETE = Symbol('delete');
const TOPIC_RULE = 'a topic name is 1-64 of A-Z a-z 0-9 . _ -, not starting with . or -';

function edit(base, path, value) {
  const copy = structuredClone(base);
  const parts = path.split('.');
  let target = copy;
  for (const p of parts.slice(0, -1)) target = target[p];
  const last = parts.at(-1);
  if (value === DELETE) {
    if (!(last in target)) fail(`edit deletes missing member ${path}`);
    delete target[last];
  } else {
    target[last] = value;
  }
  return canonicalize(copy);
}

const strings = (n) => Array.from({ length: n }, (_, i) => `m-${i}`);
const INVALID = [];
function bad(name, field, rule, base, path, value) {
  INVALID.push({ name, field, rule, frame: edit(base, path, value) });
}
function raw(name, field, rule, frame) {
  INVALID.push({ name, field, rule, frame });
}

// not a frame
raw('not-json', null, 'a frame is one JSON text', 'hello');
raw('json-array', null, 'a frame is a JSON object', '[{"type":"ok","_reqId":"r-1"}]');
raw('json-string', null, 'a frame is a JSON object', '"ok"');
raw('trailing-comma', null, 'strict JSON (RFC 8259)', '{"_reqId":"r-1","type":"ok",}');
raw('two-json-values', null, 'a frame is one JSON text', '{"_reqId":"r-1","type":"ok"}{"_reqId":"r-2","type":"ok"}');
raw('duplicate-member', null, 'I-JSON: no duplicate member names', '{"_reqId":"r-1","_reqId":"r-2","type":"ok"}');
raw('duplicate-type', null, 'I-JSON: no duplicate member names', '{"_reqId":"r-1","type":"ok","type":"error"}');
raw('lone-surrogate-escape', null, 'I-JSON: no lone surrogates', '{"_reqId":"r-\\ud800","type":"ok"}');
raw('number-out-of-double-range', null, 'I-JSON: finite numbers', '{"_reqId":"r-1","n":1e400,"type":"ok"}');
raw('type-missing', 'type', 'type is a string naming a frame type', '{"_reqId":"r-1"}');
raw('type-number', 'type', 'type is a string naming a frame type', '{"_reqId":"r-1","type":1}');
raw('type-unknown', 'type', 'type is a known frame type', '{"_reqId":"r-1","type":"bogus"}');
raw('type-wrong-case', 'type', 'type is a known frame type (case-sensitive)', '{"_reqId":"r-1","type":"OK"}');
// hello
bad('hello-without-mesh-id', 'meshId', 'required', F.helloFull, 'meshId', DELETE);
bad('hello-without-signature', 'signature', 'required', F.helloFull, 'signature', DELETE);
bad('hello-pubkey-upper-case', 'pubkey', '64 lowercase hex', F.helloFull, 'pubkey', ALICE.publicHex.toUpperCase());
bad('hello-pubkey-63-hex', 'pubkey', '64 lowercase hex', F.helloFull, 'pubkey', ALICE.publicHex.slice(1));
bad('hello-session-pubkey-not-hex', 'sessionPubkey', '64 lowercase hex', F.helloFull, 'sessionPubkey', 'z'.repeat(64));
bad('hello-signature-base64', 'signature', 'ed25519 signature as 128 lowercase hex', F.helloFull, 'signature',
  Buffer.from(F.helloFull.signature, 'hex').toString('base64'));
bad('hello-peer-type-unknown', 'peerType', 'ai, human or connector', F.helloFull, 'peerType', 'robot');
bad('hello-protocol-version-0', 'protocolVersion', 'at least 1', F.helloFull, 'protocolVersion', 0);
bad('hello-protocol-version-string', 'protocolVersion', 'an integer', F.helloFull, 'protocolVersion', '1');
bad('hello-timestamp-seconds-fraction', 'timestamp', 'integer milliseconds', F.helloFull, 'timestamp', T0 / 1000 + 0.5);
bad('hello-timestamp-string', 'timestamp', 'integer milliseconds', F.helloFull, 'timestamp', String(T0));
bad('hello-pid-negative', 'pid', 'not negative', F.helloFull, 'pid', -1);
bad('hello-capabilities-string', 'capabilities', 'an array of strings', F.helloFull, 'capabilities', 'dm');
// hello_ack, negotiation
bad('hello-ack-without-presence-id', 'presenceId', 'required', F.helloAck, 'presenceId', DELETE);
bad('feature-negotiation-request-without-require', 'require', 'required', F.negotiationRequest, 'require', DELETE);
bad('feature-negotiation-request-require-object', 'require', 'an array of strings', F.negotiationRequest, 'require', {});
bad('feature-negotiation-response-without-supported', 'supported', 'required', F.negotiationResponse, 'supported', DELETE);
bad('feature-negotiation-response-supported-array', 'supported', 'an object of features', F.negotiationResponse, 'supported', []);
bad('feature-negotiation-response-params-string', 'supported.key_epoch.params', 'an object', F.negotiationResponse, 'supported.key_epoch.params', 'v1');
// send
bad('send-without-id', 'id', 'required', F.sendDm, 'id', DELETE);
bad('send-without-target-spec', 'targetSpec', 'required', F.sendDm, 'targetSpec', DELETE);
bad('send-without-ciphertext', 'ciphertext', 'required', F.sendOriginal, 'ciphertext', DELETE);
bad('send-dm-without-nonce', 'nonce', 'a DM carries a nonce', F.sendDm, 'nonce', DELETE);
bad('send-nonce-16-bytes', 'nonce', '24 bytes', F.sendDm, 'nonce', b64(Buffer.alloc(16)));
bad('send-nonce-32-bytes', 'nonce', '24 bytes', F.sendDm, 'nonce', b64(Buffer.alloc(32)));
bad('send-nonce-url-safe-alphabet', 'nonce', 'standard base64 alphabet', F.sendDm, 'nonce', `-_${'A'.repeat(30)}`);
bad('send-nonce-unpadded', 'nonce', 'padded base64', F.sendDm, 'nonce', b64(Buffer.alloc(23)).replace(/=+$/, ''));
bad('send-ciphertext-not-base64', 'ciphertext', 'standard padded base64', F.sendDm, 'ciphertext', 'not base64!');
bad('send-ciphertext-url-safe-alphabet', 'ciphertext', 'standard base64 alphabet', F.sendOriginal, 'ciphertext', '_-_-');
bad('send-target-member-name', 'targetSpec', 'a member pubkey (64 lowercase hex), #topic or *', F.sendDm, 'targetSpec', 'bob');
bad('send-target-pubkey-upper-case', 'targetSpec', '64 lowercase hex', F.sendDm, 'targetSpec', BOB.publicHex.toUpperCase());
bad('send-target-empty-topic', 'targetSpec', TOPIC_RULE, F.sendOriginal, 'targetSpec', '#');
bad('send-target-topic-with-space', 'targetSpec', TOPIC_RULE, F.sendOriginal, 'targetSpec', '#release notes');
bad('send-target-topic-leading-dot', 'targetSpec', TOPIC_RULE, F.sendOriginal, 'targetSpec', '#.hidden');
bad('send-target-topic-65-chars', 'targetSpec', TOPIC_RULE, F.sendOriginal, 'targetSpec', `#${'t'.repeat(65)}`);
bad('send-priority-unknown', 'priority', 'now, next or low', F.sendDm, 'priority', 'urgent');
bad('send-priority-upper-case', 'priority', 'now, next or low', F.sendDm, 'priority', 'NOW');
bad('send-request-fingerprint-63-hex', 'request_fingerprint', '64 lowercase hex', F.sendDm, 'request_fingerprint', FP_1.slice(1));
bad('send-request-fingerprint-upper-case', 'request_fingerprint', '64 lowercase hex', F.sendDm, 'request_fingerprint', FP_1.toUpperCase());
bad('send-client-message-id-number', 'client_message_id', 'a string', F.sendDm, 'client_message_id', 17);
bad('send-destination-kind-unknown', 'destination_kind', 'dm, topic or queue', F.sendDm, 'destination_kind', 'group');
bad('send-meta-array', 'meta', 'an object', F.sendDm, 'meta', ['thread']);
bad('send-mentions-object', 'mentions', 'an array of strings', F.sendDm, 'mentions', { bob: true });
// ack
bad('ack-without-status', 'status', 'required', F.ack201, 'status', DELETE);
bad('ack-status-string', 'status', 'an integer', F.ack201, 'status', '201');
bad('ack-status-fraction', 'status', 'an integer', F.ack201, 'status', 201.5);
bad('ack-status-99', 'status', 'an HTTP status, 100-599', F.ack201, 'status', 99);
bad('ack-status-600', 'status', 'an HTTP status, 100-599', F.ack201, 'status', 600);
bad('ack-409-without-error', 'error', 'a status of 300 or more carries error', F.ack409, 'error', DELETE);
bad('ack-429-without-error', 'error', 'a status of 300 or more carries error', F.ack429, 'error', DELETE);
bad('ack-error-without-code', 'error.code', 'required', F.ack429, 'error.code', DELETE);
bad('ack-error-permanent-string', 'error.permanent', 'a boolean', F.ack429, 'error.permanent', 'false');
bad('ack-duplicate-string', 'duplicate', 'a boolean', F.ack200, 'duplicate', 'true');
bad('ack-broker-fingerprint-prefix-15-hex', 'broker_fingerprint_prefix', '16 lowercase hex', F.ack409, 'broker_fingerprint_prefix', FP_1.slice(0, 15));
// push
bad('push-dm-without-nonce', 'nonce', 'a DM push carries a nonce', F.pushDm, 'nonce', DELETE);
bad('push-dm-nonce-23-bytes', 'nonce', '24 bytes', F.pushDm, 'nonce', b64(Buffer.alloc(23)));
bad('push-topic-nonce-not-base64', 'nonce', 'standard padded base64', F.pushTopic, 'nonce', '????');
bad('push-without-ciphertext', 'ciphertext', 'a message push carries a body', F.pushTopic, 'ciphertext', DELETE);
bad('push-without-delivery-id', 'delivery_id', 'required', F.pushDm, 'delivery_id', DELETE);
bad('push-without-created-at', 'createdAt', 'required', F.pushDm, 'createdAt', DELETE);
bad('push-sender-pubkey-not-hex', 'senderPubkey', '64 lowercase hex', F.pushDm, 'senderPubkey', 'alice');
bad('push-topic-with-slash', 'topic', TOPIC_RULE, F.pushTopic, 'topic', 'team/backend');
bad('push-priority-unknown', 'priority', 'now, next or low', F.pushTopic, 'priority', 'high');
bad('push-system-without-event', 'event', 'a system push names its event', F.pushSystem, 'event', DELETE);
bad('push-system-event-data-string', 'eventData', 'an object', F.pushSystem, 'eventData', 'bob joined');
// client_ack, lists, requests
bad('client-ack-without-delivery-id', 'delivery_id', 'required', F.clientAck, 'delivery_id', DELETE);
bad('client-ack-without-broker-message-id', 'broker_message_id', 'required', F.clientAck, 'broker_message_id', DELETE);
bad('peers-list-without-peers', 'peers', 'required', F.peersList, 'peers', DELETE);
bad('peers-list-peer-string', 'peers', 'an array of objects', F.peersList, 'peers', ['alice']);
bad('peers-list-peer-pubkey-not-hex', 'peers[].pubkey', '64 lowercase hex', F.peersList, 'peers.0.pubkey', 'alice');
bad('topics-list-topic-without-subscribed', 'topics[].subscribed', 'required', F.topicsList, 'topics.1.subscribed', DELETE);
bad('list-peers-without-req-id', '_reqId', 'required', F.listPeers, '_reqId', DELETE);
bad('topic-create-without-topic', 'topic', 'required', F.topicCreate, 'topic', DELETE);
bad('topic-join-leading-dash', 'topic', TOPIC_RULE, F.topicJoin, 'topic', '-private');
bad('set-visible-string', 'visible', 'a boolean', F.setVisible, 'visible', 'no');
bad('set-status-number', 'status', 'a string', F.setStatus, 'status', 1);
bad('ok-without-req-id', '_reqId', 'required', F.ok, '_reqId', DELETE);
bad('error-without-code', 'code', 'required', F.error, 'code', DELETE);

// ---------------------------------------------------------------------------
// Checks on the suite, then rendering.
const names = new Set();
for (const name of [...VALID.map(([n]) => n), ...INVALID.map((c) => c.name)]) {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) fail(`name is not kebab-case: ${name}`);
  if (names.has(name)) fail(`duplicate name ${name}`);
  names.add(name);
}
const validTexts = new Set();
const examples = VALID.map(([name, frame]) => {
  const canonical = canonicalize(frame);
  const parsed = parseStrict(Buffer.from(canonical, 'utf8'));
  if (canonicalize(parsed) !== canonical) fail(`${name}: not canonical`);
  if (validTexts.has(canonical)) fail(`${name}: same frame as another example`);
  validTexts.add(canonical);
  return { name, type: parsed.type, frame: parsed, canonical };
});
for (const c of INVALID) {
  if (validTexts.has(c.frame)) fail(`${c.name}: identical to a valid example`);
  if (c.field !== null && typeof c.field !== 'string') fail(`${c.name}: field`);
}
for (const type of ['hello', 'hello_ack', 'feature_negotiation_request', 'feature_negotiation_response', 'send', 'ack', 'push',
  'client_ack', 'list_peers', 'peers_list', 'set_profile', 'set_status', 'set_summary', 'set_visible', 'topic_create',
  'topic_list', 'topics_list', 'topic_join', 'topic_leave', 'ok', 'error']) {
  if (!examples.some((e) => e.type === type)) fail(`no valid example of ${type}`);
}

function render(key, items) {
  return `{\n  ${JSON.stringify(key)}: [\n${items.map((item) => `    ${JSON.stringify(item)}`).join(',\n')}\n  ]\n}\n`;
}

const validText = render('examples', examples.map(({ name, type, frame, canonical }) => ({ name, type, frame, canonical })));
const invalidText = render('cases', INVALID.map(({ name, field, rule, frame }) => ({ name, field, rule, frame })));
// Read back as a consumer would.
const back = parseStrict(Buffer.from(validText, 'utf8'));
back.examples.forEach((e, i) => {
  if (e.canonical !== examples[i].canonical || canonicalize(e.frame) !== e.canonical) fail(`${e.name}: read back differs`);
});
if (parseStrict(Buffer.from(invalidText, 'utf8')).cases.length !== INVALID.length) fail('invalid.json read back');

const dir = fixturePath('wire');
const produced = [fixturePath('wire', 'valid.json'), fixturePath('wire', 'invalid.json')];
writeFixture(produced[0], validText);
writeFixture(produced[1], invalidText);
removeStale(dir, (name) => name.endsWith('.json'), produced);
finish(`${examples.length} valid examples and ${INVALID.length} invalid frames in fixtures/wire`);
