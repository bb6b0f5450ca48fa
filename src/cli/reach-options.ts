// What `mesh` and `cluster doctor` share about reaching agents listed from the cluster.
import { oneLine } from '../util/terminal-safe.js';

/** A token given on the command line or in the environment (else the cluster's Secret is read). */
export function tokenGiven(tokenFile: string | undefined): boolean {
  return tokenFile !== undefined || (process.env.PODPATH_TOKEN ?? '').trim() !== '';
}

/** Said when an agent's node address cannot be reached and its pod is reached through the API server instead. */
export function fallbackLine(e: { direct: string; pod: string; why: string }): string {
  return `podpath: ${oneLine(e.direct)} cannot be reached from here (${oneLine(e.why)}): agent pod ${oneLine(e.pod)} through the API server's pod proxy from now on\n`;
}
