import type { RawFrame } from '../types.js';
import type { ReadError } from './codes.js';

/**
 * A record parser working on a window of the input. `parse` consumes whole records from
 * buf[pos, end) and returns the position after the last one. When it stops for lack of bytes it
 * sets `need` (bytes wanted from the returned position); when the input is bad it sets `error`.
 * `base` is the input offset of buf[0], so offsets stay exact beyond 4 GiB.
 */
export interface RecordParser {
  parse(buf: Uint8Array, pos: number, end: number, base: number, eof: boolean): number;
  need: number;
  error?: ReadError;
  frames: number;
  linkTypes: number[];
}

export type FrameSink = (frame: RawFrame) => void;

/**
 * A frame as the parsers hand it out: one object, reused for every frame, whose bytes are
 * buf[at, at + capLen). Valid only during the call; no allocation per frame. readCapture turns
 * it into a RawFrame.
 */
export interface FrameRecord extends Omit<RawFrame, 'data'> {
  buf: Uint8Array;
  at: number;
}

export type RecordSink = (rec: FrameRecord) => void;

export function newFrameRecord(): FrameRecord {
  return { frameNumber: 0, tsSec: 0, tsNsec: 0, linkType: 0, interfaceId: 0, capLen: 0, origLen: 0, fileOffset: 0, buf: new Uint8Array(0), at: 0 };
}
