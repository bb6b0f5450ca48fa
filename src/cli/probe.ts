import type { Command } from 'commander';
import { probePeer } from '../probe/peer.js';
import { renderPeerReport } from '../probe/render.js';
import { addProbeOptions, probeOptionsFrom, type ProbeCliOptions } from './probe-options.js';

export function registerProbe(program: Command): void {
  addProbeOptions(
    program
      .command('probe <peer>')
      .description('probe a peer running `podpath agent`: UDP echo, size sweep, optional rate ramp, TCP, DNS; both directions, underlay and overlay; places each loss'),
  )
    .option('--no-reverse', 'probe only from here to the peer')
    .option('--json', 'print the report as JSON')
    .action(async (peer: string, o: ProbeCliOptions & { reverse: boolean; json?: boolean }) => {
      const report = await probePeer({ ...probeOptionsFrom(peer, o), reverse: o.reverse !== false });
      process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : renderPeerReport(report, process.stdout.isTTY));
      const bad = report.errors.length > 0 || report.directions.some((d) => (d.echoVerdict && d.echoVerdict.place !== 'delivered') || d.result.sweep?.smallestFailing !== undefined || d.result.ramp?.lossOnsetBps !== undefined);
      process.exitCode = report.errors.length ? 2 : bad ? 1 : 0;
    });
}
