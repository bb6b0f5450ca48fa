// Counts the frames a Wireshark display filter shows, with the real tshark: the filters podpath
// prints must be valid and show exactly the frames of their finding.
import { execFileSync } from 'node:child_process';

export function tsharkCount(file: string, filter: string): number {
  const out = execFileSync('tshark', ['-r', file, '-n', '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter((l) => l.trim() !== '').length;
}
