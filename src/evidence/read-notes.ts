// How the evidence was read, when the reader must know (a file cut at a limit, a bundle cut short):
// a ReadNote keeps its error code, its English text (`message`, for JSON readers) and, as
// `parts`, the same said as catalogue codes with data, so a report says it in its own language.
import { t, type Lang, type Localized, type MessageData } from '../util/i18n.js';

/** Text quoted from a library or the input (a tar error) is in backquotes. */
export const READ_NOTE_TEXTS = {
  cutHead: { en: '{where}: {size}, only the first {kept} read (the evidence from it is cut)', zh: '{where}:{size},只读取了前 {kept}(其中的证据不完整)' },
  cutTail: { en: '{where}: {size}, only the last {kept} read (the evidence from it is cut)', zh: '{where}:{size},只读取了最后 {kept}(其中的证据不完整)' },
  cutHeadOpen: { en: '{where}: more than {kept}, only the first {kept} read (the evidence from it is cut)', zh: '{where}:超过 {kept},只读取了前 {kept}(其中的证据不完整)' },
  cutTailOpen: { en: '{where}: more than {kept}, only the last {kept} read (the evidence from it is cut)', zh: '{where}:超过 {kept},只读取了最后 {kept}(其中的证据不完整)' },
  lineCut: { en: '{where}: 1 line longer than {max} characters cut to that length', zh: '{where}:1 行超过 {max} 个字符,已截断到该长度' },
  linesCut: { en: '{where}: {lines} lines longer than {max} characters cut to that length', zh: '{where}:{lines} 行超过 {max} 个字符,已截断到该长度' },
  bundleEmpty: { en: 'nothing podpath reads was found in {bundle} (no command output or node file it knows)', zh: '在 {bundle} 中没有找到 podpath 读取的任何内容(没有它认识的命令输出或节点文件)' },
  bundleCut: { en: '{bundle} is cut short: its tar stream ends at byte {at}', zh: '{bundle} 被截断:其 tar 流在第 {at} 字节处结束' },
  bundleDamaged: { en: '{bundle} is damaged near byte {at} of its tar stream: `{detail}`', zh: '{bundle} 的 tar 流在第 {at} 字节附近损坏:`{detail}`' },
  entryLeftOut: { en: 'inside {entry}, which is left out', zh: '断在 {entry} 中间,该文件未读取' },
  compressedRead: { en: '{read} bytes of the {kind} file read', zh: '读取了该 {kind} 文件的 {read} 字节' },
  decompressor: { en: '`{detail}`', zh: '`{detail}`' },
  onlyBefore: { en: 'only what came before was read', zh: '只读取了此前的内容' },
  transcriptCut: { en: '{where} is longer than {max} MiB: only its first {max} MiB were read (the evidence after that is left out)', zh: '{where} 超过 {max} MiB:只读取了前 {max} MiB(其后的证据未读取)' },
  transcriptPackets: { en: '{where}: more than {max} tcpdump records: the rest were left out', zh: '{where}:tcpdump 记录超过 {max} 条:其余的未读取' },
  transcriptEmpty: {
    en: 'nothing podpath reads was found in {where}: no command output it knows, by its prompt and command or by its shape',
    zh: '在 {where} 中没有找到 podpath 读取的任何内容:按提示符和命令或按输出的形状,都没有它认识的命令输出',
  },
  join: { en: '; ', zh: ';' },
} satisfies Record<string, Localized>;

export type ReadNoteCode = Exclude<keyof typeof READ_NOTE_TEXTS, 'join'>;
export interface ReadNotePart { code: ReadNoteCode; data?: MessageData }

/** A note's text in a language: its parts said one after the other. */
export function readNoteText(parts: readonly { code: string; data?: MessageData }[], lang: Lang): string {
  return parts
    .map((p) => {
      const entry = (READ_NOTE_TEXTS as Record<string, Localized>)[p.code];
      return entry ? t(entry, lang, p.data) : p.code;
    })
    .join(t(READ_NOTE_TEXTS.join, lang));
}

/** A note from its parts: the English text is made from them, so the two cannot drift. */
export function readNote(code: string, ...parts: ReadNotePart[]): { code: string; message: string; parts: ReadNotePart[] } {
  return { code, message: readNoteText(parts, 'en'), parts };
}

/** A note in a language; one without parts (written by an older podpath) shows its English text. */
export function noteText(note: { message: string; parts?: readonly { code: string; data?: MessageData }[] }, lang: Lang): string {
  return note.parts && note.parts.length > 0 ? readNoteText(note.parts, lang) : note.message;
}
