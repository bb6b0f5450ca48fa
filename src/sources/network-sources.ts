// The network evidence sources (the collector orders them by their `reads`).
import type { EvidenceSource } from './types.js';
import { linksSource } from './links/read.js';
import { routesSource } from './routes/read.js';
import { neighboursSource } from './neighbours/read.js';
import { fdbSource } from './fdb/read.js';
import { ethtoolSource } from './ethtool/read.js';
import { snmpSource } from './snmp/read.js';
import { netstatSource } from './netstat/read.js';
import { netdevSource } from './netdev/read.js';
import { conntrackSource } from './conntrack/read.js';
import { packetFilterSource } from './packet-filter/read.js';
import { iptablesBackendsSource } from './iptables-backends/read.js';
import { firewalldSource } from './firewalld/read.js';
import { ufwSource } from './ufw/read.js';
import { networkdSource } from './networkd/read.js';

export const networkSources: EvidenceSource[] = [
  linksSource, routesSource, neighboursSource, fdbSource, ethtoolSource,
  snmpSource, netstatSource, netdevSource, conntrackSource, packetFilterSource,
  iptablesBackendsSource, firewalldSource, ufwSource, networkdSource,
];
