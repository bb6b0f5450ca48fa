// `podpath doctor --from FILE.txt` and `--from -`: a pasted transcript (command outputs as copied
// from a terminal, a ticket, a chat or a web page) judged like a node. Its outputs are read by the
// evidence sources through a transcript host; its tcpdump text goes through the capture analyzer;
// node rules and capture rules judge the one evidence bag; every finding cites transcript lines.
import { open } from 'node:fs/promises';
import path from 'node:path';
import { constants } from 'node:fs';
import type { CaptureSummary } from '../evidence/capture-summary.js';
import type { EvidenceLine, NodeFacts, ReadNote } from '../evidence/node-facts.js';
import { runDoctor } from './doctor.js';
import type { Finding, Lang, Rule } from '../engine/types.js';
import type { DoctorReport } from '../report/model.js';
import { rulesOfKind } from '../rules/index.js';
import { collectFromHost } from '../sources/collect.js';
import { transcriptHost, type TranscriptHost } from '../sources/host/transcript.js';
import { narrowEvidence, transcriptFacts } from '../sources/transcript/facts.js';
import { splitTranscript } from '../sources/transcript/split.js';
import type { Transcript } from '../sources/transcript/types.js';
import { summarizeTcpdumpText } from '../pcap/text/text-summary.js';
import { LIMITS } from '../util/limits.js';
import { readNote } from '../evidence/read-notes.js';
import { PodpathError } from '../util/errors.js';
import { oneLine } from '../util/terminal-safe.js';

/** What `--from` takes as a transcript: `-` (standard input) or a text file by its extension. */
export function isTranscriptSource(from: string): boolean {
  return from === '-' || /\.(?:txt|text|log|md|out|transcript)$/i.test(from);
}

export interface TranscriptInput {
  text: string;
  /** How lines are cited: the file's name, or `stdin`. */
  name: string;
  notes: ReadNote[];
}

const MiB = 1024 * 1024;

/** Bytes to text: UTF-8, or UTF-16 when a byte-order mark says so (a paste saved by Windows Notepad). */
function decode(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  return buf.toString('utf8');
}

/** Cuts lines longer than the line limit (one note for all): no parser sees a 100 MB line. */
function capLines(text: string, name: string, notes: ReadNote[]): string {
  const max = LIMITS.LINE_CHARS.value;
  let cut = 0;
  const lines = text.split('\n').map((l) => {
    if (l.length <= max) return l;
    cut++;
    return l.slice(0, max);
  });
  if (cut > 0) notes.push(cut === 1 ? readNote(LIMITS.LINE_CHARS.code, { code: 'lineCut', data: { where: name, max } }) : readNote(LIMITS.LINE_CHARS.code, { code: 'linesCut', data: { where: name, lines: cut, max } }));
  return lines.join('\n');
}

/** Reads a transcript from a regular file or standard input, at most LIMITS.transcriptBytes of it. */
export async function readTranscriptInput(from: string, stdin?: AsyncIterable<Buffer | string>): Promise<TranscriptInput> {
  const max = LIMITS.transcriptBytes.value;
  const notes: ReadNote[] = [];
  const chunks: Buffer[] = [];
  let got = 0;
  let more = false;
  const name = from === '-' ? 'stdin' : path.basename(from);
  if (from === '-') {
    if (!stdin) throw new PodpathError('E_USAGE', '--from - reads a transcript from standard input, and there is none');
    for await (const c of stdin) {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      const room = max - got;
      if (b.length > room) {
        chunks.push(b.subarray(0, room));
        got = max;
        more = true;
        break;
      }
      chunks.push(b);
      got += b.length;
    }
  } else {
    let fh;
    try {
      fh = await open(from, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
      throw new PodpathError(code === 'ENOENT' ? 'E_TRANSCRIPT_NOT_FOUND' : 'E_TRANSCRIPT_READ', code === 'ENOENT' ? `no such transcript: ${oneLine(from)}` : `cannot read ${oneLine(from)}: ${code}`);
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new PodpathError('E_TRANSCRIPT_READ', `${oneLine(from)} is not a regular file (a directory, FIFO, socket or device): refused (use --from - for a pipe)`);
      const buf = Buffer.allocUnsafe(Math.min(st.size, max) + 1);
      while (got < buf.length) {
        const { bytesRead } = await fh.read(buf, got, buf.length - got, null);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      more = got > max;
      chunks.push(buf.subarray(0, Math.min(got, max)));
      got = Math.min(got, max);
    } finally {
      await fh.close();
    }
  }
  if (more) notes.push(readNote(LIMITS.transcriptBytes.code, { code: 'transcriptCut', data: { where: name, max: max / MiB } }));
  return { text: capLines(decode(Buffer.concat(chunks, got)), name, notes), name, notes };
}

/** The tcpdump text in a transcript, through the capture analyzer: one capture summary per tcpdump output. */
export function transcriptCaptures(t: Transcript, notes: ReadNote[] = []): CaptureSummary[] {
  const out: CaptureSummary[] = [];
  let budget = LIMITS.transcriptPackets.value;
  for (const s of t.segments) {
    if (s.kind !== 'tcpdump' || budget <= 0) continue;
    const got = summarizeTcpdumpText(s.lines, `${t.name}:${s.commandLine ?? s.lines[0]!.no}`, budget);
    if (!got) continue;
    const kept = got.summary.packets.frames;
    if (kept < got.records) notes.push(readNote(LIMITS.transcriptPackets.code, { code: 'transcriptPackets', data: { where: t.name, max: LIMITS.transcriptPackets.value } }));
    budget -= kept;
    out.push(got.summary);
  }
  return out;
}

export interface TranscriptEvidence {
  facts: NodeFacts;
  captures: CaptureSummary[];
  host: TranscriptHost;
}

/** The evidence in a transcript: the node's facts (every source, through the transcript host) and its captures. */
export async function transcriptEvidence(input: TranscriptInput): Promise<TranscriptEvidence> {
  const t = splitTranscript(input.text, input.name);
  const notes = [...input.notes];
  const host = transcriptHost(t, notes);
  const captures = transcriptCaptures(t, notes);
  const collected = await collectFromHost(host);
  let facts = transcriptFacts(host, collected);
  const sections = Object.keys(facts).filter((k) => !['schemaVersion', 'collectedAt', 'origin', 'missing', 'notes'].includes(k));
  // The bundle reader's "nothing found" is the transcript's own, and only when nothing at all was.
  const kept = (facts.notes ?? []).filter((n) => n.code !== 'E_BUNDLE_EMPTY');
  if (sections.length === 0 && captures.length === 0) kept.push(readNote('E_TRANSCRIPT_EMPTY', { code: 'transcriptEmpty', data: { where: oneLine(input.name) } }));
  facts = { ...facts, notes: kept.length > 0 ? kept : undefined };
  if (facts.notes === undefined) delete facts.notes;
  return { facts, captures, host };
}

/**
 * An evidence line about a capture in the transcript, cited at the line of the frame that proves
 * it (the frame the line names, `e.g. frame 12`, else the finding's first frame), not at the
 * line the tcpdump output starts on.
 */
export function narrowCaptureLine(captures: readonly CaptureSummary[], f: Pick<Finding, 'location'>, e: EvidenceLine): EvidenceLine {
  const c = captures.find((x) => x.file === e.source);
  if (!c?.frameLines) return e;
  const named = /\bframe (\d{1,10})\b/.exec(e.text)?.[1];
  const frame = named !== undefined ? Number(named) : f.location?.file === c.file ? f.location.frames?.ranges[0]?.from : undefined;
  const no = frame !== undefined ? c.frameLines[frame - 1] : undefined;
  return no !== undefined ? { ...e, source: `${c.file.slice(0, c.file.lastIndexOf(':') + 1)}${no}` } : e;
}

export interface TranscriptDoctorOptions {
  from: string;
  lang: Lang;
  only?: string[];
  rules?: readonly Rule[];
  stdin?: AsyncIterable<Buffer | string>;
  /** Also judge in this language (the HTML report carries both). */
  alsoIn?: Lang;
}

/**
 * The node and probe rules, and with tcpdump text the capture rules that judge a capture summary
 * (a capture diff needs two pcap files: a transcript never has one).
 */
export function transcriptRules(withCaptures: boolean): Rule[] {
  const rules = rulesOfKind('node', 'probe');
  return withCaptures ? [...rules, ...rulesOfKind('capture').filter((r) => r.meta.needs.includes('captures'))] : rules;
}

/** Judges a transcript: node rules and capture rules over one evidence bag; evidence lines cite the transcript. */
export async function runDoctorTranscript(opts: TranscriptDoctorOptions): Promise<{ report: DoctorReport; exitCode: number; translation?: DoctorReport }> {
  const input = await readTranscriptInput(opts.from, opts.stdin);
  const ev = await transcriptEvidence(input);
  const { report, exitCode, translation } = await runDoctor({
    lang: opts.lang,
    only: opts.only,
    rules: opts.rules ?? transcriptRules(ev.captures.length > 0),
    collect: async () => ev.facts,
    parts: ev.captures.length > 0 ? { captures: ev.captures } : undefined,
    alsoIn: opts.alsoIn,
  });
  const narrow = (r: DoctorReport): void => {
    r.findings = r.findings.map((f) => ({ ...f, evidence: f.evidence.map((e) => narrowCaptureLine(ev.captures, f, narrowEvidence(ev.host, e))) }));
  };
  narrow(report);
  if (translation) narrow(translation);
  return { report, exitCode, ...(translation ? { translation } : {}) };
}
