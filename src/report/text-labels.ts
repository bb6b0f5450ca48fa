// The words of the commands other than doctor (collect, trace, cluster facts), as catalogue
// entries: each command's text is said through t() in the language of --lang.
import type { Localized } from '../util/i18n.js';

export const TEXT_LABELS = {
  // podpath collect (stderr).
  collectWrote: { en: 'wrote {path}: {commands} command outputs, {files} files', zh: '已写入 {path}:{commands} 个命令输出,{files} 个文件' },
  collectMissing: { en: 'missing: {names}', zh: '缺少:{names}' },
  note: { en: 'note', zh: '说明' },
} satisfies Record<string, Localized>;

export type TextLabel = keyof typeof TEXT_LABELS;
