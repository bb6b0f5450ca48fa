// The `format` file of a tracefs event (kernel/trace/trace_events.c f_show): the field layout,
// the print format and, for skb:kfree_skb since 5.17, the kernel's own drop-reason number->name
// map (enum names in __print_symbolic are replaced by their numbers at boot, and the numbers move
// between kernel versions, so a reason number means something only with the map of its kernel).
import { PodpathError } from '../../util/errors.js';
import { LIMITS } from '../../util/limits.js';

export interface FormatField {
  /** C type as printed, e.g. `void *`, `enum skb_drop_reason`, `__data_loc char[]`. */
  type: string;
  name: string;
  offset: number;
  size: number;
  signed: boolean;
}

export interface EventFormat {
  name: string;
  id?: number;
  /** common_type, common_flags, common_preempt_count, common_pid. */
  common: FormatField[];
  fields: FormatField[];
  /** The format string of `print fmt:`, without its quotes. */
  printFmt: string;
  /** What follows the format string (REC->... arguments). */
  printArgs: string;
  /** `__print_symbolic(REC->reason, ...)`: number -> name, in the kernel's order. */
  reasons: [number, string][];
}

const FIELD = /^\s*field:([^;]{1,256});\s*offset:(\d{1,6});\s*size:(\d{1,6});\s*signed:([01]);?\s*$/;
// Matched against the declaration with its trailing blanks removed: a `\s*$` after a run of blanks
// tried from every start is quadratic.
const DECL_NAME = /(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]{0,127}) ?(\[\d{0,6}\])?$/;
const SYMBOLIC_PAIR = /\{\s*(-?\d{1,10})\s*,\s*"([A-Za-z0-9_]{1,64})"\s*\}/g;

/** Parses a `format` file; throws E_TRACE_FORMAT when it is not one (or is larger than any is). */
export function parseEventFormat(text: string): EventFormat {
  if (text.length > LIMITS.traceFormat.value) {
    throw new PodpathError(LIMITS.traceFormat.code, `event format file larger than ${LIMITS.traceFormat.value} bytes`);
  }
  let name: string | undefined;
  let id: number | undefined;
  const common: FormatField[] = [];
  const fields: FormatField[] = [];
  let printLine: string | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('name: ')) name = line.slice(6).trim();
    else if (line.startsWith('ID: ')) id = Number(line.slice(4).trim());
    else if (line.startsWith('print fmt: ')) printLine = line.slice('print fmt: '.length);
    else {
      const m = FIELD.exec(line);
      if (!m) continue;
      const decl = m[1]!.trim();
      const n = DECL_NAME.exec(decl.trimEnd());
      if (!n) continue;
      const field: FormatField = {
        type: (decl.slice(0, n.index).trim() + (n[2] ? ` ${n[2]}` : '')).trim(),
        name: n[1]!,
        offset: Number(m[2]),
        size: Number(m[3]),
        signed: m[4] === '1',
      };
      (field.name.startsWith('common_') ? common : fields).push(field);
    }
  }
  if (!name || printLine === undefined) {
    throw new PodpathError(LIMITS.traceFormat.code, 'not a tracefs event format file (no name or print fmt line)');
  }
  const { fmt, rest } = splitPrintFmt(printLine);
  return { name, id: Number.isFinite(id) ? id : undefined, common, fields, printFmt: fmt, printArgs: rest, reasons: symbolicMap(rest, 'reason') };
}

/** `"..." , args`: the quoted format string (C escapes kept as written) and the arguments. */
function splitPrintFmt(line: string): { fmt: string; rest: string } {
  if (!line.startsWith('"')) return { fmt: '', rest: line };
  let i = 1;
  while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
  return { fmt: line.slice(1, i), rest: line.slice(i + 1).replace(/^\s*,\s*/, '') };
}

/** The `{ N, "NAME" }` pairs of `__print_symbolic(REC-><field>, ...)`. */
function symbolicMap(args: string, field: string): [number, string][] {
  const start = args.indexOf(`__print_symbolic(REC->${field},`);
  if (start < 0) return [];
  const pairs: [number, string][] = [];
  SYMBOLIC_PAIR.lastIndex = start;
  // The pairs run to the closing parenthesis of this __print_symbolic: stop at the first gap.
  let expect = args.indexOf(',', start) + 1;
  for (let m = SYMBOLIC_PAIR.exec(args); m; m = SYMBOLIC_PAIR.exec(args)) {
    if (args.slice(expect, m.index).replace(/[\s,]/g, '') !== '') break;
    pairs.push([Number(m[1]), m[2]!]);
    expect = SYMBOLIC_PAIR.lastIndex;
  }
  return pairs;
}

/** How this kernel's skb:kfree_skb event looks: what a reader can expect from each line. */
export interface KfreeSkbLayout {
  hasReason: boolean;
  hasRxSk: boolean;
  /** `%pS` prints `symbol+0xoff/0xsize`; `%p` prints a raw or hashed pointer. */
  locationPrint: 'symbol' | 'pointer';
  /** number -> name, from this kernel's own format file. */
  reasons: Map<number, string>;
  fieldNames: string[];
}

export function kfreeSkbLayout(format: EventFormat): KfreeSkbLayout {
  const names = format.fields.map((f) => f.name);
  for (const need of ['skbaddr', 'location', 'protocol']) {
    if (!names.includes(need)) throw new PodpathError(LIMITS.traceFormat.code, `the kfree_skb event has no ${need} field`);
  }
  return {
    hasReason: names.includes('reason'),
    hasRxSk: names.includes('rx_sk'),
    locationPrint: /location=%p[sSB]/.test(format.printFmt) ? 'symbol' : 'pointer',
    reasons: new Map(format.reasons),
    fieldNames: names,
  };
}
