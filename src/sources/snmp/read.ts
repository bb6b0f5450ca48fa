// snmp: /proc/net/snmp, where a receiver's `Udp: InCsumErrors` proves bad checksums on the wire.
import type { EvidenceSource, FactsPart } from '../types.js';
import { whyMissing } from '../host/types.js';
import { because, missingBecause } from '../../evidence/missing-reasons.js';
import { parseProcNetPairs } from './parse.js';

const PROC_NET_SNMP = '/proc/net/snmp';

export const snmpSource: EvidenceSource = {
  id: 'snmp',
  provides: ['snmp'],
  reads: [],
  commands: [],
  files: [PROC_NET_SNMP],
  async read(host): Promise<FactsPart> {
    const f = await host.readFile(PROC_NET_SNMP);
    const tables = f ? parseProcNetPairs(f.text) : {};
    if (!f || Object.keys(tables).length === 0) return { missing: missingBecause('snmp', f ? because('noCounters', { source: f.source }) : whyMissing(host, PROC_NET_SNMP)) };
    return { snmp: { tables, source: f.source } };
  },
};
