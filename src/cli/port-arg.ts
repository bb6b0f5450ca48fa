// A port given on the command line. Its own module: doctor, probe, mesh and echo parse ports
// without evaluating the agent command's imports (its background prober, prom-client).
import { PodpathError } from '../util/errors.js';

export function toPort(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new PodpathError('E_USAGE', `not a port: ${s}`);
  return n;
}
