import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PodpathError } from '../../util/errors.js';
import { deviceFilter, parseFilter, renderFilter } from './filter.js';
import { kfreeSkbLayout, parseEventFormat } from './format.js';
import { tracingDirsFromMounts } from './instance.js';

const FIX = join(import.meta.dirname, '../../../test/fixtures/tracefs');
const layout = (v: string) => kfreeSkbLayout(parseEventFormat(readFileSync(join(FIX, v, 'format'), 'utf8')));
const render = (text: string, v = '6.18-live') => renderFilter(parseFilter(text), layout(v));
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof PodpathError ? e.code : String(e);
  }
  return 'no error';
};

describe('--filter: a safe subset of the tracefs filter grammar', () => {
  it('numbers and protocol names pass through as numbers', () => {
    expect(render('protocol == 2048')).toBe('protocol == 2048');
    expect(render('protocol==ipv6')).toBe('protocol == 34525');
    expect(render('protocol == 0x800 && common_pid != 0')).toBe('protocol == 2048 && common_pid != 0');
  });

  it('reason names become the numbers of the kernel whose format file is given (6.18-live, 5.19, 5.17)', () => {
    expect(render('reason == NO_SOCKET', '6.18-live')).toBe('reason == 3');
    expect(render('reason == NO_SOCKET', '5.19')).toBe('reason == 2');
    expect(render('reason == NO_SOCKET', '5.17')).toBe('reason == 1');
    expect(render('protocol == ipv4 && (reason == UDP_CSUM || reason == NETFILTER_DROP)', '6.18-live')).toBe('protocol == 2048 && (reason == 11 || reason == 12)');
    expect(render('!(reason == NOT_SPECIFIED)', '6.8')).toBe('!(reason == 2)');
  });

  it('refuses what the kernel does not have: reason on 4.19, a name unknown to 5.17', () => {
    expect(code(() => render('reason == NO_SOCKET', '4.19'))).toBe('E_TRACE_FILTER');
    expect(code(() => render('reason == NETFILTER_DROP', '5.17'))).toBe('E_TRACE_FILTER');
  });

  it('refuses strings, other fields, other operators, and anything long or deep', () => {
    for (const bad of ['name ~ "x"', 'location == 1', 'protocol == "2048"', 'protocol ~ 1', 'protocol == 1;echo', 'protocol == 1 &&', '(protocol == 1',
      'protocol == 1 protocol == 2', '', `protocol == 1${' && protocol == 1'.repeat(40)}`, `${'('.repeat(10)}protocol == 1${')'.repeat(10)}`,
      `protocol == ${'1'.repeat(300)}`, 'protocol == 99999999999', 'common_pid == NO_SOCKET']) {
      expect(code(() => render(bad)), bad).toBe('E_TRACE_FILTER');
    }
  });

  it('--devices GLOB: plain device-name globs only', () => {
    expect(deviceFilter('pptr*')).toBe('name ~ "pptr*"');
    expect(deviceFilter(undefined)).toBeUndefined();
    expect(deviceFilter('*')).toBeUndefined();
    expect(code(() => deviceFilter('x" || 1'))).toBe('E_TRACE_FILTER');
  });
});

describe('finding tracefs in /proc/mounts', () => {
  it('tracefs first (the usual place first), then debugfs/tracing; escaped mount points decoded', () => {
    const mounts = [
      'sysfs /sys sysfs rw 0 0',
      'debugfs /sys/kernel/debug debugfs rw 0 0',
      'tracefs /mnt/my\\040trace tracefs rw 0 0',
      'tracefs /sys/kernel/tracing tracefs rw 0 0',
    ].join('\n');
    expect(tracingDirsFromMounts(mounts)).toEqual(['/sys/kernel/tracing', '/mnt/my trace', '/sys/kernel/debug/tracing']);
    expect(tracingDirsFromMounts('')).toEqual([]);
  });
});
