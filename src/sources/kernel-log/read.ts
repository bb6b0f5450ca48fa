import type { EvidenceSource, FactsPart } from '../types.js';
import { whyMissing } from '../host/types.js';
import { missingBecause } from '../../evidence/missing-reasons.js';
import { commandLine } from '../host/sos-names.js';
import { scanKernelLog } from './parse.js';

const DMESG = { argv: ['dmesg'], plugin: 'kernel' };
const JOURNAL = { argv: ['journalctl', '--no-pager', '-k'], plugin: 'logs' };
/** What sos's logs plugin keeps of this boot's journal (kernel lines included); read from bundles only, it is the whole journal. */
const SOS_JOURNAL = { argv: ['journalctl', '--no-pager', '--catalog', '--boot'], plugin: 'logs' };
/** /var/log/dmesg: the boot-time ring buffer CentOS 7 saves (sos copies it). */
const LOG_FILES = ['/var/log/messages', '/var/log/kern.log', '/var/log/dmesg'];

export const kernelLogSource: EvidenceSource = {
  id: 'kernel-log',
  provides: ['kernelLog'],
  reads: [],
  commands: [DMESG, JOURNAL],
  files: LOG_FILES,
  async read(host): Promise<FactsPart> {
    const matches: NonNullable<FactsPart['kernelLog']>['matches'] = [];
    const sources: string[] = [];
    let linesScanned = 0;
    const texts = [];
    for (const cmd of [DMESG, JOURNAL]) texts.push(await host.run(cmd));
    if (host.kind === 'bundle' && !texts[1]) texts.push(await host.run(SOS_JOURNAL));
    for (const file of LOG_FILES) {
      const f = await host.readFile(file);
      texts.push(f && { stdout: f.text, source: f.source });
    }
    for (const t of texts) {
      if (!t) continue;
      sources.push(t.source);
      const { hits, lines } = scanKernelLog(t.stdout);
      linesScanned += lines;
      for (const h of hits) matches.push({ ...h, source: t.source });
    }
    if (sources.length === 0) {
      return { missing: missingBecause('kernelLog', whyMissing(host, commandLine(DMESG.argv)), whyMissing(host, LOG_FILES[0]!)) };
    }
    return { kernelLog: { matches, linesScanned, sources } };
  },
};
