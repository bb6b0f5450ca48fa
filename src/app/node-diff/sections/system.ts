// Kernel build (and how it got there), OS, loaded modules.
import { findBadUdpChecksumBuild, natChecksumFix } from '../../../rules/data/kernel-builds.js';
import type { NodeContext } from '../context.js';
import type { NodeDiffSink } from '../sink.js';
import type { NodeDiffNote } from '../../../evidence/node-diff-notes.js';

/** Modules whose presence changes how overlay packets are handled. */
const NET_MODULE = /^(br_netfilter|bridge|vxlan|udp_tunnel|ip6_udp_tunnel|nf_conntrack|nf_nat|nf_tables|ip_tables|iptable_\w+|ip6table_\w+|xt_\w+|nft_\w+|ipip|ip_vs\w*|virtio_net|vmxnet3|ixgbe|i40e|ice|mlx5_core|bnx2x|bnxt_en|ena|hv_netvsc|overlay|veth|wireguard)$/;

/** What the project's kernel data says about the two releases: a known bad build, the NAT checksum fix. */
function kernelNote(a: string, b: string): NodeDiffNote[] {
  const notes: NodeDiffNote[] = [];
  for (const [side, release] of [['A', a], ['B', b]] as const) {
    const bad = findBadUdpChecksumBuild(release);
    if (bad) notes.push(bad.knownGood.length ? { code: 'badChecksumBuild', data: { side, release: bad.release, good: bad.knownGood.join(', ') } } : { code: 'badChecksumBuild', data: { side, release: bad.release }, words: { good: 'none' } });
  }
  const fa = natChecksumFix(a);
  const fb = natChecksumFix(b);
  if (fa.fixed !== fb.fixed && fa.fixed !== undefined && fb.fixed !== undefined) {
    notes.push({ code: 'natFix', data: { basisA: fa.basis, basisB: fb.basis }, words: { inA: fa.fixed ? 'fixIn' : 'fixNotIn', inB: fb.fixed ? 'fixIn' : 'fixNotIn' } });
  }
  return notes.length > 0 ? notes : [{ code: 'differentKernel' }];
}

export function compareSystem(sink: NodeDiffSink, a: NodeContext, b: NodeContext): void {
  const ka = a.facts.kernel;
  const kb = b.facts.kernel;
  if (ka && kb) {
    const ev = (k: typeof ka) => [{ source: k.source, text: k.uname }];
    sink.value('kernel', 'kernel.release', ka.release, kb.release, 'high', { note: kernelNote(ka.release, kb.release), evA: ev(ka), evB: ev(kb) });
    if (ka.release === kb.release) {
      sink.value('kernel', 'kernel.build', ka.version, kb.version, 'high', { note: { code: 'kernelRebuilt' }, evA: ev(ka), evB: ev(kb) });
    }
    sink.value('kernel', 'kernel.arch', ka.arch, kb.arch, 'medium');
    // How each node came to run its kernel: the package events that installed the running release.
    if (ka.release !== kb.release || ka.version !== kb.version) {
      const history = (ctx: NodeContext) => {
        const k = ctx.facts.kernel;
        const events = (ctx.facts.kernelPackages?.history ?? []).filter((e) => k && e.version !== undefined && k.release.startsWith(e.version.replace(/\.(x86_64|aarch64|noarch)$/, '')));
        return { text: events.length === 0 ? undefined : events.map((e) => `${e.time ?? '?'} ${e.action} ${e.name}-${e.version ?? ''}`).join('; '), lines: events.map((e) => ({ source: e.source, text: e.line })) };
      };
      const ha = history(a);
      const hb = history(b);
      if (ha.text !== undefined || hb.text !== undefined) {
        sink.items.push({
          category: 'kernel',
          key: 'kernel.history-of-running',
          a: ha.text,
          b: hb.text,
          relevance: 'medium',
          note: [{ code: 'kernelHistory' }],
          evidence: { a: ha.lines, b: hb.lines },
        });
      }
    }
  }
  const pa = a.facts.kernelPackages;
  const pb = b.facts.kernelPackages;
  if (pa && pb) {
    sink.sets('kernel', 'kernel.installed-packages', pa.installed, pb.installed, 'low', { note: { code: 'kernelPackages' }, sourceA: pa.sources.find((x) => /rpm|dpkg/.test(x)) ?? pa.sources[0], sourceB: pb.sources.find((x) => /rpm|dpkg/.test(x)) ?? pb.sources[0] });
  }
  const ba = a.facts.boot;
  const bb = b.facts.boot;
  if (ba && bb) sink.value('kernel', 'boot.default-kernel', ba.defaultKernel, bb.defaultKernel, 'medium', { note: { code: 'bootDefault' }, evA: [{ source: ba.source, text: `default ${ba.defaultIndex ?? '?'}: ${ba.defaultKernel ?? '?'}` }], evB: [{ source: bb.source, text: `default ${bb.defaultIndex ?? '?'}: ${bb.defaultKernel ?? '?'}` }] });

  const oa = a.facts.os;
  const ob = b.facts.os;
  if (oa && ob) {
    sink.value('os', 'os.id', oa.id, ob.id, 'medium');
    sink.value('os', 'os.version', oa.versionId, ob.versionId, 'medium');
    if (oa.id === ob.id && oa.versionId === ob.versionId) sink.value('os', 'os.pretty-name', oa.prettyName, ob.prettyName, 'low');
  }

  const ma = a.facts.modules;
  const mb = b.facts.modules;
  if (ma && mb) {
    sink.sets('modules', 'modules.network', ma.loaded.filter((m) => NET_MODULE.test(m)), mb.loaded.filter((m) => NET_MODULE.test(m)), 'medium', { note: { code: 'networkModules' }, sourceA: ma.source, sourceB: mb.source });
    sink.sets('modules', 'modules.other', ma.loaded.filter((m) => !NET_MODULE.test(m)), mb.loaded.filter((m) => !NET_MODULE.test(m)), 'low', { sourceA: ma.source, sourceB: mb.source });
  }
}
