// Placeholder until the network sources land (their engineer overwrites this file).
import type { EvidenceSource } from './types.js';

export const networkSources: EvidenceSource[] = [];
