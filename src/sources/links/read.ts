// links: `ip -j -s -d link` (preferred where iproute2 has JSON), else `ip -s -d link`, with the
// addresses of `ip -d address` merged into each link.
import type { CommandSpec, EvidenceSource, FactsPart } from '../types.js';
import type { Link } from '../../evidence/node-facts.js';
import { whyMissing } from '../host/types.js';
import { missingBecause } from '../../evidence/missing-reasons.js';
import { commandLine } from '../host/sos-names.js';
import { mergeAddresses, parseIpAddressText, parseIpLinkJson, parseIpLinkText } from './parse.js';

const IP_LINK_JSON: CommandSpec = { argv: ['ip', '-j', '-s', '-d', 'link'], plugin: 'networking' };
const IP_LINK: CommandSpec = { argv: ['ip', '-s', '-d', 'link'], plugin: 'networking' };
const IP_ADDRESS: CommandSpec = { argv: ['ip', '-d', 'address'], plugin: 'networking' };

export const linksSource: EvidenceSource = {
  id: 'links',
  provides: ['links'],
  reads: [],
  commands: [IP_LINK_JSON, IP_LINK, IP_ADDRESS],
  files: [],
  async read(host): Promise<FactsPart> {
    let links: Link[] | undefined;
    let source: string | undefined;
    const json = await host.run(IP_LINK_JSON);
    if (json) {
      const parsed = parseIpLinkJson(json.stdout, json.source);
      if (parsed && parsed.length > 0) { links = parsed; source = json.source; }
    }
    // A JSON form that names no link kind at all (no linkinfo) may know less than the text: try it.
    const kindless = links?.every((l) => l.kind === 'device' || l.kind === 'loopback');
    if (!links || kindless) {
      // iproute2 < 4.14 (CentOS 7) has no -j: the text form is what those nodes give.
      const text = await host.run(IP_LINK);
      if (text) {
        const parsed = parseIpLinkText(text.stdout, text.source);
        if (parsed.length > 0 && (!links || parsed.some((l) => l.kind !== 'device' && l.kind !== 'loopback'))) { links = parsed; source = text.source; }
      }
    }
    const addr = await host.run(IP_ADDRESS);
    const addresses = addr ? parseIpAddressText(addr.stdout, addr.source) : undefined;
    if (!links && addr) {
      // `ip -d address` prints the same link headers: enough for names, kinds, MTUs.
      const parsed = parseIpLinkText(addr.stdout, addr.source);
      if (parsed.length > 0) { links = parsed; source = addr.source; }
    }
    if (!links || !source) {
      return { missing: missingBecause('links', whyMissing(host, commandLine(IP_LINK.argv)), whyMissing(host, commandLine(IP_ADDRESS.argv))) };
    }
    const part: FactsPart = { links: { items: addresses ? mergeAddresses(links, addresses) : links, source } };
    // Keyed apart from `links`, which is there: rules that need links still run.
    if (!addresses) part.missing = missingBecause('links.addresses', whyMissing(host, commandLine(IP_ADDRESS.argv)));
    return part;
  },
};
