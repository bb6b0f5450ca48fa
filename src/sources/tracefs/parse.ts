// The tracer's pure parsers, one module each, in one place: format files, trace lines,
// /proc/kallsyms, `nft monitor trace`, iptables TRACE log lines and iptables-save.
export { parseEventFormat, kfreeSkbLayout, type EventFormat, type FormatField, type KfreeSkbLayout } from './format.js';
export {
  parseTraceLine, parseLocation, normalizePointer,
  type KfreeSkbEvent, type LineContext, type LineResult, type Location, type MarkerEvent, type NetifReceiveSkbEvent, type TraceEvent,
} from './trace-line.js';
export { parseKallsyms, formatSymbol, type KallsymsResolver, type ResolvedSymbol } from './kallsyms.js';
export { parseTraceOptions } from './options.js';
export { parseNftTraceLine, type NftPacket, type NftTraceLine } from './nft-trace.js';
export {
  parseIptablesSave, parseIptablesTraceLine, traceTarget, type IptablesChain, type IptablesRuleset, type IptablesTraceLine,
} from './iptables-trace.js';
