// Kernel facts as data: distribution builds known to emit bad UDP checksums (seed 000), and the
// releases that carry the fix for the VXLAN/NAT checksum bug (kernel commit ea64d8d6c675).
import { compareUpstream, parseKernelRelease, releaseWithoutArch } from './kernel-version.js';

export interface BadKernelBuild {
  /** Release without arch, as `uname -r` starts. */
  release: string;
  distro: string;
  problem: string;
  /** Builds of the same line known to work. */
  knownGood: string[];
  /** Builds of the same line nobody has tested. */
  untested: string[];
  references: string[];
  /** What is not established. */
  unconfirmed?: string;
}

export const BAD_UDP_CHECKSUM_BUILDS: readonly BadKernelBuild[] = [
  {
    release: '4.19.90-52.49.v2207.ky10',
    distro: 'Kylin Linux Advanced Server V10',
    problem: 'UDP datagrams sent by this build (even plain userspace sendto() to port 8472) arrive with a wrong UDP checksum and are dropped by the receiver; offload toggles do not help',
    knownGood: ['4.19.90-52.22.v2207.ky10'],
    untested: ['4.19.90-52.45.v2207.ky10'],
    references: ['seeds/000_694fb590af4e1503.txt'],
    unconfirmed: 'the causing commit is not known; only the x86_64 build (2025-07-24) was observed',
  },
];

export function findBadUdpChecksumBuild(release: string): BadKernelBuild | undefined {
  const r = releaseWithoutArch(release);
  return BAD_UDP_CHECKSUM_BUILDS.find((b) => b.release === r);
}

/** Stable releases carrying "netfilter: nat: never update the UDP checksum when it's 0" (ea64d8d6c675, 5.7-rc5). */
export const NAT_CHECKSUM_FIXED: readonly { series: [number, number]; fromPatch: number; confirmed: boolean }[] = [
  { series: [5, 6], fromPatch: 13, confirmed: false },
  { series: [5, 4], fromPatch: 41, confirmed: true },
  { series: [4, 19], fromPatch: 123, confirmed: true },
  { series: [4, 14], fromPatch: 181, confirmed: true },
];
export const NAT_CHECKSUM_MAINLINE: [number, number, number] = [5, 7, 0];

export interface FixVerdict {
  fixed: boolean | undefined;
  /** Why, as a comparison (`4.19.90 < 4.19.123`): language-neutral, rules put it into messages. */
  basis: string;
  /** A distribution build may carry a backport the version number does not show. */
  backportPossible: boolean;
}

export function natChecksumFix(release: string): FixVerdict {
  const k = parseKernelRelease(release);
  if (!k) return { fixed: undefined, basis: `cannot read kernel release "${release}"`, backportPossible: false };
  const [maj, min, patch] = k.upstream;
  const backportPossible = k.build !== '';
  if (compareUpstream(k.upstream, NAT_CHECKSUM_MAINLINE) >= 0) return { fixed: true, basis: `${maj}.${min}.${patch} >= 5.7`, backportPossible };
  const stable = NAT_CHECKSUM_FIXED.find((s) => s.series[0] === maj && s.series[1] === min);
  if (stable) {
    const v = `${maj}.${min}.${stable.fromPatch}`;
    if (patch >= stable.fromPatch) {
      return { fixed: true, basis: `${maj}.${min}.${patch} >= ${v}${stable.confirmed ? '' : ' (UNCONFIRMED stable fix)'}`, backportPossible };
    }
    return { fixed: false, basis: `${maj}.${min}.${patch} < ${v}`, backportPossible };
  }
  // No stable series of this line got the fix: only 5.7 counts. Kept symbolic: it goes into both languages.
  return { fixed: false, basis: `${maj}.${min}.${patch} < 5.7`, backportPossible };
}

/**
 * The releases that carry the fix, as a message lists them: mainline first, then the confirmed
 * stable releases (newest series first, as listed); the unconfirmed ones apart.
 */
export function natChecksumFixReleases(): { confirmed: string[]; unconfirmed: string[] } {
  const v = (s: { series: [number, number]; fromPatch: number }) => `${s.series[0]}.${s.series[1]}.${s.fromPatch}`;
  return {
    confirmed: [NAT_CHECKSUM_MAINLINE.slice(0, 2).join('.'), ...NAT_CHECKSUM_FIXED.filter((s) => s.confirmed).map(v)],
    unconfirmed: NAT_CHECKSUM_FIXED.filter((s) => !s.confirmed).map(v),
  };
}
