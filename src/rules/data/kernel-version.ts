// Kernel release strings as distributions write them, and comparison of the upstream part:
// `4.19.90-52.49.v2207.ky10.x86_64` (Kylin), `3.10.0-1160.el7.x86_64` (CentOS), `5.4.0-150-generic`
// (Ubuntu), `6.1.0-18-amd64` (Debian), `5.10.0-60.18.0.50.oe2203.aarch64` (openEuler).

export interface KernelRelease {
  /** The upstream version: major, minor, patch (patch 0 when absent). */
  upstream: [number, number, number];
  /** What the distribution appended after the upstream version, without the arch (`52.49.v2207.ky10`). */
  build: string;
  arch?: string;
  raw: string;
}

const ARCH = /\.(x86_64|aarch64|arm64|i686|ppc64le|s390x|loongarch64|mips64el|riscv64|sw_64)$/;

export function parseKernelRelease(release: string): KernelRelease | undefined {
  const raw = release.trim();
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(.*)$/s.exec(raw);
  if (!m) return undefined;
  let rest = m[4] ?? '';
  let arch: string | undefined;
  const a = ARCH.exec(rest);
  if (a) {
    arch = a[1];
    rest = rest.slice(0, a.index);
  }
  // `-52.49.v2207.ky10`, `-generic`, `+`, `.el7`: the separator is not part of the build.
  const build = rest.replace(/^[-.+_~]/, '');
  return { upstream: [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)], build, arch, raw };
}

/** Compares upstream versions only: -1, 0, 1. */
export function compareUpstream(a: [number, number, number], b: [number, number, number]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * Compares two builds of the same distribution (`52.22.v2207.ky10` < `52.49.v2207.ky10`,
 * `1062.el7` < `1160.88.1.el7`): numeric runs compare as numbers, the rest as text.
 */
export function compareBuild(a: string, b: string): number {
  const pa = a.split(/[.\-_+~]/);
  const pb = b.split(/[.\-_+~]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : undefined;
    const ny = /^\d+$/.test(y) ? Number(y) : undefined;
    if (nx !== undefined && ny !== undefined) {
      if (nx !== ny) return nx < ny ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** Full comparison: upstream first, then the distribution build. */
export function compareKernelReleases(a: string, b: string): number {
  const ka = parseKernelRelease(a);
  const kb = parseKernelRelease(b);
  if (!ka || !kb) return a < b ? -1 : a > b ? 1 : 0;
  return compareUpstream(ka.upstream, kb.upstream) || compareBuild(ka.build, kb.build);
}

/** The release without its arch suffix: `4.19.90-52.49.v2207.ky10`. */
export function releaseWithoutArch(release: string): string {
  return release.trim().replace(ARCH, '');
}
