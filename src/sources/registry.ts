// Every evidence source. The collector orders them by what each declares it reads (`reads`).
import type { EvidenceSource } from './types.js';
import { kernelSource } from './kernel/read.js';
import { osSource } from './os/read.js';
import { packagesSource } from './packages/read.js';
import { bootSource } from './boot/read.js';
import { modulesSource } from './modules/read.js';
import { sysctlSource } from './sysctl/read.js';
import { networkManagerSource } from './network-manager/read.js';
import { cniSource } from './cni/read.js';
import { kernelLogSource } from './kernel-log/read.js';
import { networkSources } from './network-sources.js';

export const hostSources: EvidenceSource[] = [
  kernelSource, osSource, packagesSource, bootSource, modulesSource, sysctlSource, networkManagerSource, cniSource, kernelLogSource,
];

export function allSources(): EvidenceSource[] {
  return [...hostSources, ...networkSources];
}
