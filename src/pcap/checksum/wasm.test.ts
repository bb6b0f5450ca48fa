// The committed module bytes are what sum.wat assembles to (wabt), so the source and the binary
// the bundle ships cannot drift apart.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUM_WASM_BASE64 } from './sum-wasm.js';

describe('sum.wat', () => {
  it('sum-wasm.ts is sum.wat assembled (npm run wasm)', async () => {
    // @ts-expect-error: a plain .mjs build script without type declarations
    const { assemble } = (await import('../../../scripts/build-wasm.mjs')) as { assemble: () => Promise<string> };
    const text = await assemble();
    expect(text).toBe(readFileSync(new URL('./sum-wasm.ts', import.meta.url), 'utf8'));
    expect(SUM_WASM_BASE64.length).toBeGreaterThan(100);
  });

  it('the bundle falls back to the JavaScript sum when told to (PODPATH_NO_WASM)', () => {
    const code = "import('./src/pcap/checksum/wasm.ts').then((m) => process.stdout.write(String(m.allocateSummable(64) === undefined)))";
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', code], { env: { ...process.env, PODPATH_NO_WASM: '1' }, encoding: 'utf8' });
    expect(out).toBe('true');
  });
});
