// `pcap diff`: index the receiver's capture, then stream the sender's through the index; the
// result is the measured comparison (the capture rules judge it).
import { readCapture } from '../reader/index.js';
import { decodeFrame } from '../decode/index.js';
import type { DecodeOptions, ReadSummary } from '../types.js';
import { CaptureDiffEngine } from './engine.js';
import { finishCaptureDiff } from './result.js';
import type { CaptureDiff } from '../../evidence/capture-diff.js';

export interface CaptureDiffOptions {
  vxlanPorts?: number[];
  /** NAT between the two capture points: leave addresses and ports of plain packets out of the key. */
  nat?: boolean;
  senderHost?: string;
  receiverHost?: string;
}

export interface CaptureDiffMeasured {
  result: CaptureDiff;
  errors: { file: string; error: NonNullable<ReadSummary['error']> }[];
}

export async function diffCaptures(sender: string, receiver: string, opts: CaptureDiffOptions = {}): Promise<CaptureDiffMeasured> {
  const engine = new CaptureDiffEngine({ nat: opts.nat });
  const decode: DecodeOptions = { vxlanPorts: opts.vxlanPorts };
  const errors: CaptureDiffMeasured['errors'] = [];
  const r = await readCapture(receiver, (frame) => engine.addReceiver(decodeFrame(frame, decode)));
  if (r.error) errors.push({ file: receiver, error: r.error });
  const s = await readCapture(sender, (frame) => engine.addSender(decodeFrame(frame, decode)));
  if (s.error) errors.push({ file: sender, error: s.error });
  const result = finishCaptureDiff(engine, { senderFile: sender, receiverFile: receiver, senderHost: opts.senderHost, receiverHost: opts.receiverHost });
  if (s.error) result.sender.error = s.error;
  if (r.error) result.receiver.error = r.error;
  return { result, errors };
}
