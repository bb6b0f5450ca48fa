// ufw: `ufw status verbose` (`Status: active`, `Default: deny (incoming), allow (outgoing), deny (routed)`)
// and /etc/default/ufw (`DEFAULT_FORWARD_POLICY="DROP"`). Pure.

export interface UfwStatus {
  active?: boolean;
  defaults: { incoming?: string; outgoing?: string; routed?: string };
  /** The `Default:` line (or the policy line of /etc/default/ufw). */
  line?: string;
}

export function parseUfwStatus(text: string): UfwStatus {
  const out: UfwStatus = { defaults: {} };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const st = /^Status: (active|inactive)$/.exec(line);
    if (st) {
      out.active ??= st[1] === 'active';
      continue;
    }
    if (/^Default: /.test(line) && out.line === undefined) {
      out.line = line;
      for (const m of line.matchAll(/(allow|deny|reject|disabled) \((incoming|outgoing|routed)\)/g)) out.defaults[m[2] as 'incoming'] = m[1]!;
    }
  }
  return out;
}

/** /etc/default/ufw: `DEFAULT_FORWARD_POLICY="DROP"` -> routed `deny`. */
export function parseUfwDefaults(text: string): { routed?: string; line?: string } {
  for (const raw of text.split('\n')) {
    const m = /^DEFAULT_FORWARD_POLICY="?(ACCEPT|DROP|REJECT)"?\s*$/.exec(raw.trim());
    if (m) return { routed: m[1] === 'ACCEPT' ? 'allow' : m[1] === 'DROP' ? 'deny' : 'reject', line: raw.trim() };
  }
  return {};
}
