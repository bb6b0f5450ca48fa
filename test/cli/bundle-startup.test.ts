// What the bundle does at start-up (issue 10: `pcap analyze` as fast as before). The bundle is one
// file whose modules run lazily (esbuild's __esm/__commonJS init wrappers, reached from the
// commands' dynamic imports), so what a command evaluates is what it imports. A copy of the real
// bundle records every module init it runs and the node built-ins it loaded; the tests hold that
// --version and pcap analyze run none of the heavy parts, and that the recorder sees them when a
// command does use them (so a broken recorder fails here instead of passing silently).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podpathArgs } from '../helpers/podpath.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PCAP = join(ROOT, 'test/fixtures/pcap/vxlan.pcap');
let dir = '';
let recording = '';

// esbuild's runtime helpers as the bundle has them: each init records its module's name (the key
// esbuild gives it: src/... or a node_modules path) before running it.
const ESM_HELPER = 'var __esm=(fn,res,err)=>function __init(){if(err)throw err[0];try{return fn&&(';
const CJS_HELPER = 'var __commonJS=(cb,mod2)=>function __require2(){try{return mod2||(';
const RECORDER =
  'globalThis.__ppRan=[];process.on("exit",()=>require("node:fs").writeFileSync(process.env.PP_RAN_FILE,' +
  'JSON.stringify({modules:globalThis.__ppRan,builtins:process.moduleLoadList.filter(m=>m.startsWith("NativeModule ")).map(m=>m.slice(13))})));';

interface Ran { modules: string[]; builtins: string[] }

function run(args: string[]): Promise<Ran & { code: number; stderr: string }> {
  const file = join(dir, `ran-${Math.random().toString(36).slice(2)}.json`);
  return new Promise((done) => {
    execFile(process.execPath, [recording, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, PP_RAN_FILE: file, LANG: 'C' }, maxBuffer: 64 << 20 }, (err, _stdout, stderr) => {
      const ran = JSON.parse(readFileSync(file, 'utf8')) as Ran;
      done({ ...ran, code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr });
    });
  });
}

/** The heavy parts no start-up path should evaluate unless its command uses them. */
const HEAVY: [string, RegExp][] = [
  ['@kubernetes/client-node', /node_modules\/@kubernetes\/client-node\//],
  ['prom-client', /node_modules\/prom-client\//],
  ['yaml', /node_modules\/(js-)?yaml\//],
  ['tar', /node_modules\/tar\//],
  ['the HTML report', /^src\/report\/html\//],
  ['the mesh', /^src\/mesh\//],
  ['the agent', /^src\/agent\//],
  ['the lab', /^src\/lab\//],
  ['the node sources', /^src\/sources\//],
  ['the node rules', /^src\/rules\/node\//],
  ['the node facts schemas', /^src\/evidence\/node-facts\.ts$/],
  ['the capture diff engine', /^src\/pcap\/diff\//],
];
const heavyIn = (modules: string[]) => HEAVY.filter(([, re]) => modules.some((m) => re.test(m))).map(([name]) => name);
// Built-ins neither start-up path needs (commander itself loads child_process, net and dgram).
const NETWORK_BUILTINS = ['http', 'https', 'tls', 'readline', 'zlib', 'crypto'];

describe('the bundle at start-up', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pp-startup-'));
    const text = readFileSync(podpathArgs()[0]!, 'utf8');
    expect(text.split(ESM_HELPER).length, 'esbuild __esm helper (changed with esbuild?)').toBe(2);
    expect(text.split(CJS_HELPER).length, 'esbuild __commonJS helper (changed with esbuild?)').toBe(2);
    recording = join(dir, 'podpath.mjs');
    writeFileSync(
      recording,
      text
        .replace(ESM_HELPER, RECORDER + ESM_HELPER.replace('return fn&&(', 'return fn&&(globalThis.__ppRan.push(__getOwnPropNames(fn)[0]),'))
        .replace(CJS_HELPER, CJS_HELPER.replace('return mod2||(', 'return mod2||(globalThis.__ppRan.push(__getOwnPropNames(cb)[0]),')),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is ASCII only: one other character makes node decode and V8 scan all of it as two-byte text', () => {
    const bytes = readFileSync(podpathArgs()[0]!);
    const at = bytes.findIndex((b) => b > 0x7f);
    expect(at === -1 ? 'ascii' : `byte ${at}: ${bytes.subarray(Math.max(0, at - 60), at + 20).toString('utf8')}`).toBe('ascii');
  });

  it('--version evaluates commander and a few utilities, no command', async () => {
    const r = await run(['--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.modules.filter((m) => !m.includes('node_modules/commander/'))).toEqual(expect.arrayContaining(['src/util/version.ts']));
    expect(r.modules.filter((m) => m.startsWith('src/') && !m.startsWith('src/util/'))).toEqual([]);
    expect(heavyIn(r.modules)).toEqual([]);
    expect(r.builtins.filter((b) => NETWORK_BUILTINS.includes(b))).toEqual([]);
  });

  it('pcap analyze --json evaluates the analyzer and the capture rules, none of the heavy parts', async () => {
    const r = await run(['pcap', 'analyze', PCAP, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.modules).toEqual(expect.arrayContaining(['src/pcap/analyze/run.ts', 'src/rules/capture-rules.ts', 'src/report/capture-json.ts']));
    expect(heavyIn(r.modules)).toEqual([]);
    expect(r.builtins.filter((b) => NETWORK_BUILTINS.includes(b))).toEqual([]);
  });

  it('the recorder sees the heavy parts a command does use (pcap analyze -o html, doctor --from a bundle)', async () => {
    const html = await run(['pcap', 'analyze', PCAP, '-o', 'html']);
    expect(html.code, html.stderr).toBe(0);
    expect(heavyIn(html.modules)).toEqual(['the HTML report']);
    const doctor = await run(['doctor', '--from', join(ROOT, 'test/fixtures/bundles/seed000-kylin-52.49'), '-o', 'json']);
    expect(doctor.code, doctor.stderr).toBe(1);
    expect(heavyIn(doctor.modules)).toEqual(expect.arrayContaining(['the node sources', 'the node rules', 'the node facts schemas']));
  });

  it('doctor --from a bundle runs none of the cluster, agent server, metrics, HTML or mesh code', async () => {
    const doctor = await run(['doctor', '--from', join(ROOT, 'test/fixtures/bundles/seed000-kylin-52.49'), '-o', 'json']);
    expect(doctor.code, doctor.stderr).toBe(1);
    const unused = ['@kubernetes/client-node', 'prom-client', 'yaml', 'the HTML report', 'the mesh', 'the lab'];
    expect(heavyIn(doctor.modules).filter((h) => unused.includes(h))).toEqual([]);
    expect(doctor.modules.filter((m) => /^src\/(agent\/server|probe\/doctor-peer|app\/fleet|app\/cluster\/)/.test(m))).toEqual([]);
  });
});
