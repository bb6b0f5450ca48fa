import type { EvidenceSource, FactsPart, HostReader } from '../types.js';
import { whyMissing } from '../host/types.js';
import { commandLine } from '../host/sos-names.js';
import { missingBecause } from '../../evidence/missing-reasons.js';
import {
  orderBlsEntries, parseBlsEntry, parseGrubbyDefaultKernel, parseGrubCfg, parseGrubDefault, parseGrubenv, resolveDefault,
  type BootEntry,
} from './parse.js';

const GRUB_CFGS = ['/etc/grub2.cfg', '/etc/grub2-efi.cfg', '/boot/grub2/grub.cfg', '/boot/grub/grub.cfg'];
const EFI_DIR = '/boot/efi/EFI';
const BLS_DIR = '/boot/loader/entries';
const GRUBENVS = ['/boot/grub2/grubenv', '/boot/grub/grubenv'];
const GRUBBY = { argv: ['grubby', '--default-kernel'], plugin: 'boot' };

export const bootSource: EvidenceSource = {
  id: 'boot',
  provides: ['boot'],
  reads: [],
  commands: [GRUBBY],
  files: [...GRUB_CFGS, `${EFI_DIR}/*/grub.cfg`, `${BLS_DIR}/*.conf`, ...GRUBENVS, `${EFI_DIR}/*/grubenv`, '/etc/default/grub'],
  async read(host): Promise<FactsPart> {
    const efiDirs = await host.listDir(EFI_DIR);
    const cfgPaths = [...GRUB_CFGS, ...efiDirs.map((d) => `${d}/grub.cfg`)];
    let source: string | undefined;
    let entries: BootEntry[] = [];
    let setDefault: string | undefined;
    let usesBls = false;
    for (const p of cfgPaths) {
      const f = await host.readFile(p);
      if (!f) continue;
      const parsed = parseGrubCfg(f.text);
      source ??= f.source;
      usesBls ||= parsed.usesBls;
      if (parsed.entries.length > 0) {
        source = f.source;
        entries = parsed.entries;
        setDefault = parsed.setDefault;
        break;
      }
    }
    if (entries.length === 0) {
      const bls = await readBls(host);
      if (bls.entries.length > 0) {
        entries = bls.entries;
        source = bls.source;
      }
    }
    let savedEntry: string | undefined;
    for (const p of [...GRUBENVS, ...efiDirs.map((d) => `${d}/grubenv`)]) {
      const f = await host.readFile(p);
      if (f) {
        savedEntry = parseGrubenv(f.text).saved_entry;
        break;
      }
    }
    const defaults = await host.readFile('/etc/default/grub');
    const grubDefault = defaults ? parseGrubDefault(defaults.text) : undefined;
    const grubby = await host.run(GRUBBY);
    const grubbyKernel = grubby ? parseGrubbyDefaultKernel(grubby.stdout) : undefined;

    if (!source && !grubbyKernel) {
      return { missing: missingBecause('boot', whyMissing(host, GRUB_CFGS[0]!), whyMissing(host, commandLine(GRUBBY.argv))) };
    }
    const defaultIndex = resolveDefault({ entries, grubDefault, savedEntry, setDefault });
    const defaultKernel = grubbyKernel ?? (defaultIndex === undefined ? undefined : entries[defaultIndex]?.kernel);
    return {
      boot: {
        source: source ?? grubby!.source,
        entries: entries.map(({ index, title, kernel }) => ({ index, title, kernel })),
        defaultIndex,
        defaultKernel,
      },
    };
  },
};

async function readBls(host: HostReader): Promise<{ entries: BootEntry[]; source?: string }> {
  const files = (await host.listDir(BLS_DIR)).filter((p) => p.endsWith('.conf'));
  const parsed = [];
  let source: string | undefined;
  for (const p of files) {
    const f = await host.readFile(p);
    if (!f) continue;
    source ??= f.source.replace(/\/[^/]+$/, '');
    parsed.push(parseBlsEntry(p.split('/').pop()!.replace(/\.conf$/, ''), f.text));
  }
  return { entries: orderBlsEntries(parsed), source };
}
