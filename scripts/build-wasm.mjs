// Assembles src/pcap/checksum/sum.wat into src/pcap/checksum/sum-wasm.ts (the module's bytes as
// base64), so the bundle needs no file beside it. `--check` exits 1 when the .ts is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import wabtInit from 'wabt';

const WAT = 'src/pcap/checksum/sum.wat';
const OUT = 'src/pcap/checksum/sum-wasm.ts';

export async function assemble() {
  const wabt = await wabtInit();
  const mod = wabt.parseWat(WAT, readFileSync(WAT, 'utf8'), { simd: true });
  const { buffer } = mod.toBinary({});
  mod.destroy();
  const b64 = Buffer.from(buffer).toString('base64');
  return `// Generated from sum.wat by scripts/build-wasm.mjs (npm run wasm): do not edit.\nexport const SUM_WASM_BASE64 =\n  '${b64}';\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = await assemble();
  if (process.argv.includes('--check')) {
    const fresh = readFileSync(OUT, 'utf8') === text;
    if (!fresh) console.error(`${OUT} is stale: run npm run wasm`);
    process.exit(fresh ? 0 : 1);
  }
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT}`);
}
