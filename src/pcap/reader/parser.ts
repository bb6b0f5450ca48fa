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
