// The probe wire format: small authenticated datagrams (and TCP greetings) between podpath agents.
//
//  0      4    5     6        8              16      20               28                  len-16   len
//  | PPv1 | ty | flg | copies |  session (8)  | seq   | sent ms (f64)  | padding ...       |  HMAC  |
//
// The HMAC (SHA-256, first 16 bytes) covers everything before it, so a responder answers only
// peers that hold the shared key; a timestamp bounds a datagram's age and the responder refuses
// a (session, seq) it has seen (replay.ts). `copies` says how many identical copies the sender
// sends (a rate ramp's batch; 0 or 1 for one). Replies are never longer than the request: the
// responder cannot be used to amplify traffic.
import { createHmac, createSecretKey, timingSafeEqual, randomBytes, type KeyObject } from 'node:crypto';

export const MAGIC = 0x50507631; // "PPv1"
export const HEADER_LEN = 28;
export const MAC_LEN = 16;
export const MIN_PROBE_LEN = HEADER_LEN + MAC_LEN;
/** Largest UDP payload over IPv4. */
export const MAX_PROBE_LEN = 65507;

export const enum ProbeType {
  EchoRequest = 1,
  EchoReply = 2,
  /** Asks how many datagrams of a session arrived (rate ramps send without echoes). */
  TallyRequest = 3,
  TallyReply = 4,
}

/** Flags of a request. */
export const FLAG_SHORT_REPLY = 0x01; // answer with a minimum-size datagram (measure one direction)
export const FLAG_NO_REPLY = 0x02; // count only: rate ramps measure arrival, not echoes

export interface ProbeHeader {
  type: ProbeType;
  flags: number;
  session: bigint;
  seq: number;
  sentMs: number;
  /** Identical copies the sender sends of this datagram (counted once each, no more); default 1. */
  copies?: number;
}

/** Session ids drawn 256 at a time: one randomBytes call (a syscall and a buffer) per 256 clients, not per client. */
const SESSION_POOL = 256;
let pool = Buffer.alloc(0);
let poolAt = 0;

export function newSessionId(): bigint {
  if (poolAt >= pool.length) {
    pool = randomBytes(8 * SESSION_POOL);
    poolAt = 0;
  }
  const id = pool.readBigUInt64BE(poolAt);
  poolAt += 8;
  return id;
}

/**
 * The key as a KeyObject, made once per key Buffer: createHmac imports a Buffer key anew on every
 * call, and a mesh pair costs 28 HMACs (both ends sign and check each datagram).
 */
const keyObjects = new WeakMap<Buffer, KeyObject>();
function keyObjectOf(key: Buffer): KeyObject {
  let k = keyObjects.get(key);
  if (!k) {
    k = createSecretKey(key);
    keyObjects.set(key, k);
  }
  return k;
}

function mac(key: Buffer, buf: Buffer, end: number): Buffer {
  return createHmac('sha256', keyObjectOf(key)).update(buf.subarray(0, end)).digest().subarray(0, MAC_LEN);
}

/** Builds a probe of exactly `length` bytes (the UDP payload size), padded with a fixed pattern. */
export function encodeProbe(key: Buffer, header: ProbeHeader, length = MIN_PROBE_LEN): Buffer {
  if (length < MIN_PROBE_LEN || length > MAX_PROBE_LEN) throw new RangeError(`probe length ${length} out of range`);
  const buf = Buffer.alloc(length, 0x5a);
  buf.writeUInt32BE(MAGIC, 0);
  buf.writeUInt8(header.type, 4);
  buf.writeUInt8(header.flags, 5);
  buf.writeUInt16BE(Math.min(header.copies ?? 1, 0xffff), 6);
  buf.writeBigUInt64BE(header.session, 8);
  buf.writeUInt32BE(header.seq >>> 0, 16);
  buf.writeDoubleBE(header.sentMs, 20);
  mac(key, buf, length - MAC_LEN).copy(buf, length - MAC_LEN);
  return buf;
}

export type DecodeFailure = 'too-short' | 'bad-magic' | 'bad-type' | 'bad-mac';

export type DecodeResult = { ok: true; header: ProbeHeader } | { ok: false; reason: DecodeFailure };

/** Checks and parses a datagram; never throws on hostile input. */
export function decodeProbe(key: Buffer, buf: Buffer): DecodeResult {
  if (buf.length < MIN_PROBE_LEN) return { ok: false, reason: 'too-short' };
  if (buf.readUInt32BE(0) !== MAGIC) return { ok: false, reason: 'bad-magic' };
  const type = buf.readUInt8(4);
  if (type < ProbeType.EchoRequest || type > ProbeType.TallyReply) return { ok: false, reason: 'bad-type' };
  const expected = mac(key, buf, buf.length - MAC_LEN);
  if (!timingSafeEqual(expected, buf.subarray(buf.length - MAC_LEN))) return { ok: false, reason: 'bad-mac' };
  return {
    ok: true,
    header: {
      type,
      flags: buf.readUInt8(5),
      session: buf.readBigUInt64BE(8),
      seq: buf.readUInt32BE(16),
      sentMs: buf.readDoubleBE(20),
      copies: buf.readUInt16BE(6),
    },
  };
}

/** Loads the shared key: PODPATH_KEY (the key itself), or a file; at least 16 bytes. */
export function loadKey(opts: { keyFile?: string; env?: NodeJS.ProcessEnv; readFile: (p: string) => Buffer }): Buffer | undefined {
  const env = opts.env ?? process.env;
  const raw = opts.keyFile ? opts.readFile(opts.keyFile) : env.PODPATH_KEY ? Buffer.from(env.PODPATH_KEY) : undefined;
  if (!raw) return undefined;
  const key = Buffer.from(raw.toString('utf8').trim());
  return key.length >= 16 ? key : undefined;
}
