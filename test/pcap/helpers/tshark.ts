// Counts the frames a Wireshark display filter shows, with the real tshark: the filters podpath
// prints must be valid and show exactly the frames of their finding.
// Asynchronous on purpose: tshark takes seconds a run on a loaded machine, and a synchronous run holds
// the test worker's event loop; a minute of that fails the whole run ("Timeout calling onTaskUpdate").
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** tshark's stdout for these arguments (stderr dropped). */
export async function tshark(args: string[]): Promise<string> {
  const { stdout } = await run('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  return stdout;
}

export async function tsharkCount(file: string, filter: string): Promise<number> {
  const out = await tshark(['-r', file, '-n', '-Y', filter, '-T', 'fields', '-e', 'frame.number']);
  return out.split('\n').filter((l) => l.trim() !== '').length;
}
