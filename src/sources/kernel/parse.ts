// `uname -a` -> kernel facts. Format: sysname nodename release version... machine [processor platform] os.
// The version is free text (`#3 SMP Thu Jul 24 02:43:35 CST 2025`), so it is what lies between the
// release and the trailing machine/os words.

export interface UnameFacts {
  release: string;
  version?: string;
  arch?: string;
  hostname?: string;
  uname: string;
}

const MACHINE = /^(x86_64|i[3-6]86|amd64|aarch64|arm64|armv\w+|ppc64(le)?|s390x|riscv64|mips\w*|loongarch64|sw_64|unknown)$/;

export function parseUname(text: string): UnameFacts | undefined {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '');
  if (!line) return undefined;
  const words = line.split(/\s+/);
  if (words.length < 3) return undefined;
  // `uname -srvmo` (or a paste that left the host out): `Linux 4.19.90-52.22.v2207.ky10.x86_64 #1 SMP ...`.
  const noHost = /^\d+\.\d+/.test(words[1]!) && words[2]!.startsWith('#');
  const [hostname, release] = noHost ? [undefined, words[1]!] : [words[1]!, words[2]!];
  let tail = words.slice(noHost ? 2 : 3);
  if (tail.length > 0 && /^(GNU\/Linux|Linux|Android)$/.test(tail[tail.length - 1]!)) tail = tail.slice(0, -1);
  // machine, processor, hardware platform: up to three trailing machine-like words; the first is the arch.
  let machineStart = tail.length;
  while (machineStart > 0 && tail.length - machineStart < 3 && MACHINE.test(tail[machineStart - 1]!)) machineStart--;
  const arch = machineStart < tail.length ? tail[machineStart] : undefined;
  const version = tail.slice(0, machineStart).join(' ') || undefined;
  return { release, version, arch, ...(hostname !== undefined ? { hostname } : {}), uname: line };
}
