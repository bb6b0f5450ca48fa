// Splits a pasted transcript into the outputs it holds. A command line (after a prompt of any
// common shell, or alone at the start of a block) starts an output whose kind its command says;
// text without a command is cut at blank lines and each block is recognised by its shape. Every
// line keeps its number in the paste. Pure: text in, segments out.
import { dropLineNumberRuns, dropPerLineNumbers, inlineNumberRun, physicalLines } from './clean.js';
import { bareCommand, commandKind, componentOf, parsePrompt, type PromptLine } from './commands.js';
import { reflowBlock } from './reflow.js';
import { shapeOf, startsLogRecord } from './shapes.js';
import type { OutputKind, Segment, TLine, Transcript } from './types.js';
import { minOf, pushAll } from '../../util/arrays.js';

/** Logical lines: collapsed code blocks (a page that lost its line breaks) expanded, all keeping their line number. */
export function logicalLines(text: string): TLine[] {
  const out: TLine[] = [];
  for (const line of dropPerLineNumbers(dropLineNumberRuns(physicalLines(text)))) {
    const run = inlineNumberRun(line.text);
    const secondPrompt = /^\$ \S/.test(line.text) && /\s\$ \S/.test(line.text.slice(2));
    if (!run && !secondPrompt) {
      out.push(line);
      continue;
    }
    if (run?.prose) out.push({ no: line.no, text: run.prose });
    for (const t of reflowBlock(run ? run.code : line.text)) out.push({ no: line.no, text: t });
  }
  return dedentBlocks(out);
}

/** Strips the indentation a whole block shares (a Markdown code block indented by four spaces). */
function dedentBlocks(lines: TLine[]): TLine[] {
  const out: TLine[] = [];
  let block: TLine[] = [];
  const flush = (): void => {
    const indents = block.filter((l) => l.text.trim() !== '').map((l) => /^ */.exec(l.text)![0].length);
    const cut = minOf(indents, 0);
    for (const l of block) out.push(cut > 0 ? { no: l.no, text: l.text.slice(Math.min(cut, /^ */.exec(l.text)![0].length)) } : l);
    block = [];
  };
  for (const l of lines) {
    if (l.text.trim() === '') {
      flush();
      out.push({ no: l.no, text: '' });
    } else block.push(l);
  }
  flush();
  return out;
}

/** Blank-line separated blocks of a run of lines (blank lines dropped). */
function blocks(lines: TLine[]): TLine[][] {
  const out: TLine[][] = [];
  let cur: TLine[] = [];
  for (const l of lines) {
    if (l.text.trim() === '') {
      if (cur.length > 0) out.push(cur);
      cur = [];
    } else cur.push(l);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

interface Draft {
  prompt?: PromptLine;
  commandLine?: number;
  lines: TLine[];
}

/** Kinds whose records may be hard-wrapped (an e-mail reply, a narrow terminal): continuation lines are joined. */
const LOGS: ReadonlySet<OutputKind> = new Set(['kernel-log', 'syslog', 'component-log']);

function joinWrapped(lines: TLine[]): TLine[] {
  const out: TLine[] = [];
  let inRecord = false;
  for (const l of lines) {
    const starts = startsLogRecord(l.text);
    const last = out[out.length - 1];
    if (!starts && inRecord && last && l.text.trim() !== '' && !/^\s/.test(l.text)) {
      out[out.length - 1] = { no: last.no, text: `${last.text} ${l.text.trim()}` };
      continue;
    }
    inRecord = starts || (inRecord && l.text.trim() !== '' && last !== undefined);
    out.push(l);
  }
  return out;
}

function makeSegment(id: number, kind: OutputKind, lines: TLine[], draft?: Draft): Segment {
  const command = draft?.prompt?.command;
  const ck = command ? commandKind(command) : undefined;
  const args = { ...(ck?.args ?? {}) };
  if ((kind === 'component-log' || kind === 'syslog') && args.component === undefined) {
    const who = componentOf(lines.slice(0, 20).map((l) => l.text).join(' '));
    if (who) args.component = who;
  }
  // `ethtool -k` pasted without its command still names its device on its first line.
  if (kind === 'ethtool-k' && args.dev === undefined) {
    const dev = lines.map((l) => /^Features for ([\w.@-]{1,15}):\s*$/.exec(l.text.trim())?.[1]).find((d) => d !== undefined);
    if (dev) args.dev = dev;
  }
  const seg: Segment = { id, kind, args, lines: LOGS.has(kind) ? joinWrapped(lines) : lines };
  if (command) seg.command = command;
  if (draft?.commandLine !== undefined) seg.commandLine = draft.commandLine;
  if (draft?.prompt?.host) seg.host = draft.prompt.host;
  return seg;
}

/**
 * The segments of a transcript, in order. `name` is how lines are cited (`name:123`).
 */
export function splitTranscript(text: string, name: string): Transcript {
  const lines = logicalLines(text);
  const drafts: Draft[] = [];
  let cur: Draft = { lines: [] };
  let atBlockStart = true;
  for (const l of lines) {
    const blank = l.text.trim() === '';
    const prompt = parsePrompt(l.text) ?? (atBlockStart ? bareCommand(l.text) : undefined);
    if (prompt) {
      drafts.push(cur);
      cur = prompt.command === '' ? { lines: [] } : { prompt, commandLine: l.no, lines: [] };
      atBlockStart = false;
      continue;
    }
    cur.lines.push(l);
    atBlockStart = blank;
  }
  drafts.push(cur);

  const segments: Segment[] = [];
  const add = (kind: OutputKind, body: TLine[], draft?: Draft): void => {
    const prev = segments[segments.length - 1];
    // Blocks of one kind recognised by shape (a log quoted in pieces) are one output.
    if (!draft && prev && !prev.command && prev.kind === kind && kind !== 'unknown') {
      pushAll(prev.lines, LOGS.has(kind) ? joinWrapped(body) : body);
      return;
    }
    segments.push(makeSegment(segments.length, kind, body, draft));
  };
  for (const d of drafts) {
    const bs = blocks(d.lines);
    if (d.prompt) {
      const own = commandKind(d.prompt.command).kind;
      // The command's output is its first block, and every later block that is not clearly something else.
      const mine: TLine[] = [];
      const later: { kind: OutputKind; lines: TLine[] }[] = [];
      bs.forEach((b, i) => {
        const shape = i === 0 && own !== 'unknown' ? own : shapeOf(b.map((l) => l.text));
        if (later.length === 0 && (i === 0 || shape === 'unknown' || shape === own)) {
          if (mine.length > 0) mine.push({ no: b[0]!.no, text: '' });
          pushAll(mine, b);
        } else later.push({ kind: shape, lines: b });
      });
      const kind = own !== 'unknown' ? own : shapeOf(mine.map((l) => l.text));
      add(kind, mine, d);
      for (const b of later) add(b.kind, b.lines);
    } else {
      for (const b of bs) {
        // A file's path written on the line above its content (`/usr/lib/systemd/network/99-default.link`).
        const named = b.length > 1 && /^\/[\w./@+-]{1,255}$/.test(b[0]!.text.trim()) ? b[0]!.text.trim() : undefined;
        const body = named ? b.slice(1) : b;
        const kind = shapeOf(body.map((l) => l.text));
        if (named && kind !== 'unknown') {
          const before = segments.length;
          add(kind, body);
          if (segments.length > before) segments[segments.length - 1]!.args.path = named;
        } else add(kind === 'unknown' ? shapeOf(b.map((l) => l.text)) : kind, b);
      }
    }
  }
  return { name, segments: segments.map((s, i) => ({ ...s, id: i })), lineCount: lines.length === 0 ? 0 : lines[lines.length - 1]!.no };
}
