// What the ICMP rules share: each judges the ICMP/ICMPv6 errors of some kinds (grouped by the
// measuring code with the packet they quote) and lists who refused what, in both languages.
import { defineRule, type Localized, type Phrase, type Remediation, type Rule, type Severity } from '../../engine/types.js';
import type { IcmpErrorGroup, IcmpErrorKind } from '../../evidence/capture-summary.js';
import { mergeFrames } from '../../evidence/frame-set.js';
import { capped, captureLocation } from './capture.js';

const PROTO_NAME: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

/** `10.0.0.1 -> 10.0.0.2 udp/53`: the packet an error quotes. */
export function quoted(g: IcmpErrorGroup): string {
  const proto = PROTO_NAME[g.proto] ?? `ip${g.proto}`;
  return `${g.src} -> ${g.dst} ${proto}${g.dstPort !== undefined ? `/${g.dstPort}` : ''}`;
}

const ICMP_PHRASES = {
  item: { en: '{what} from {reporter} x{count}', zh: '{what}，上报者 {reporter} x{count}' },
  itemMtu: { en: '{what} from {reporter} (MTU {mtu}) x{count}', zh: '{what}，上报者 {reporter}（MTU {mtu}） x{count}' },
  andMore: { en: 'and {count} more', zh: '另有 {count} 组' },
};

/** The first three groups, and how many more: a list of phrases. */
export function groupList(groups: readonly IcmpErrorGroup[]): Phrase[] {
  const items: Phrase[] = groups.slice(0, 3).map((g) => ({
    id: g.mtu !== undefined ? 'itemMtu' : 'item',
    data: { what: quoted(g), reporter: g.reporter, count: g.count, ...(g.mtu !== undefined ? { mtu: g.mtu } : {}) },
  }));
  if (groups.length > 3) items.push({ id: 'andMore', data: { count: groups.length - 3 } });
  return items;
}

export interface IcmpRuleSpec {
  id: string;
  /** The error kinds this rule judges. */
  kinds: readonly IcmpErrorKind[];
  title: Localized;
  severity: Severity;
  /** The message, with `{count}` errors and `{list}` of who refused what. */
  message: Localized;
  detail: Localized;
  explanation: Localized;
  remediation: Remediation[];
  references: string[];
  /** A display filter for when the frame list is too long to spell out. */
  fallbackFilter: string;
}

/** A rule over the ICMP errors of the given kinds: one finding per capture that has any. */
export function icmpRule(spec: IcmpRuleSpec): Rule {
  return defineRule({
    meta: {
      id: spec.id,
      kind: 'capture',
      title: spec.title,
      severity: spec.severity,
      needs: ['captures'],
      messages: { errors: spec.message, detail: spec.detail, ...ICMP_PHRASES },
      explanation: spec.explanation,
      remediation: spec.remediation,
      references: spec.references,
    },
    check(ctx) {
      for (const sum of ctx.evidence.captures ?? []) {
        const groups = sum.icmp.errors.filter((g) => spec.kinds.includes(g.kind));
        if (groups.length === 0) continue;
        ctx.report({
          messageId: 'errors',
          detailId: 'detail',
          data: { count: groups.reduce((n, g) => n + g.count, 0), reporter: groups[0]!.reporter, file: sum.file },
          phrases: { list: groupList(groups) },
          evidence: capped(groups, 5, sum.file, (g) => `ICMPv${g.version === 6 ? '6' : '4'} type ${g.type} code ${g.code} (${g.kind}) from ${g.reporter} quoting ${quoted(g)}${g.mtu !== undefined ? `, MTU ${g.mtu}` : ''}: x${g.count}`),
          location: captureLocation(sum.file, mergeFrames(groups), undefined, spec.fallbackFilter),
        });
      }
    },
  });
}
