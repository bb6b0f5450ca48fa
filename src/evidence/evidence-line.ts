// A quoted line of evidence and where it came from (re-exported by node-facts.ts), apart from the
// node's schemas: the capture JSON needs it without building them.
import { z } from 'zod';

/** Where a piece of evidence came from: a bundle-relative path (`sos_commands/networking/ip_-s_-d_link`) or a file path. */
export const SourceRef = z.string();

/** A quoted line of evidence, with where it came from: what a finding shows the user. */
export const EvidenceLine = z.object({ source: SourceRef, text: z.string() });
export type EvidenceLine = z.infer<typeof EvidenceLine>;
