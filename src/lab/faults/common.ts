// Small readers shared by faults: current sysctl values, ethtool feature states, nft tables.
import { PodpathError } from '../../util/errors.js';
import type { LabPlan } from '../topology.js';
import type { FaultTxLike } from './types.js';

export async function readSysctl(tx: FaultTxLike, ns: string, key: string): Promise<string> {
  return (await tx.read({ ns, argv: ['sysctl', '-n', key] })).trim();
}

/** Sets a sysctl and records its previous value as the undo. */
export async function setSysctl(tx: FaultTxLike, ns: string, key: string, value: string): Promise<void> {
  const before = await readSysctl(tx, ns, key);
  await tx.do({ ns, argv: ['sysctl', '-q', '-w', `${key}=${value}`] }, { ns, argv: ['sysctl', '-q', '-w', `${key}=${before}`] });
}

/** `ethtool -k` value of one feature line, e.g. `tx-checksumming: on` -> 'on'. */
export function ethtoolFeature(text: string, feature: string): string | undefined {
  const m = new RegExp(`^\\s*${feature.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (on|off)`, 'm').exec(text);
  return m?.[1];
}

/** `ethtool -K dev tx off`, undone by restoring the state it had. */
export async function txChecksumOff(tx: FaultTxLike, ns: string, dev: string): Promise<void> {
  const before = ethtoolFeature(await tx.read({ ns, argv: ['ethtool', '-k', dev] }), 'tx-checksumming') ?? 'on';
  await tx.do({ ns, argv: ['ethtool', '-K', dev, 'tx', 'off'] }, { ns, argv: ['ethtool', '-K', dev, 'tx', before] });
}

/** Loads an nft table (a ruleset text defining exactly one table), undone by deleting that table. */
export async function addNftTable(tx: FaultTxLike, ns: string, family: string, table: string, body: string): Promise<void> {
  const text = `table ${family} ${table} {\n${body}\n}\n`;
  await tx.do({ ns, argv: ['nft', '-f', '-'], stdin: text }, { ns, argv: ['nft', 'delete', 'table', family, table] });
}

export function requireSwitch(plan: LabPlan, fault: string): string {
  if (!plan.switchNs) {
    throw new PodpathError('E_LAB_FAULT_UNDERLAY', `${fault} sits in the underlay switch: build the lab with --underlay bridge`);
  }
  return plan.switchNs;
}

export function requireRouter(plan: LabPlan, fault: string): string {
  if (!plan.router) {
    throw new PodpathError('E_LAB_FAULT_UNDERLAY', `${fault} sits in the router between two subnets: build the lab with --subnets 2`);
  }
  return plan.router.ns;
}

export function intOption(options: Record<string, string>, key: string, min: number, max: number): number {
  const v = Number(options[key]);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new PodpathError('E_LAB_OPTION', `--${key} must be an integer ${min}..${max}, got ${options[key]}`);
  }
  return v;
}

/** `20mbit`, `2.5mbyte`, `500kbit`, `1000000` (bytes/s) -> bytes per second. */
export function parseRate(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(bit|kbit|mbit|gbit|byte|kbyte|mbyte|b|kb|mb)?(?:\/s)?$/i.exec(text.trim());
  if (!m) throw new PodpathError('E_LAB_OPTION', `--rate "${text}" is not a rate like 20mbit, 500kbit or 2mbyte`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 'byte').toLowerCase();
  const factor: Record<string, number> = { bit: 1 / 8, kbit: 1000 / 8, mbit: 1e6 / 8, gbit: 1e9 / 8, byte: 1, b: 1, kbyte: 1000, kb: 1000, mbyte: 1e6, mb: 1e6 };
  const bytes = Math.round(n * factor[unit]!);
  if (bytes < 1) throw new PodpathError('E_LAB_OPTION', `--rate "${text}" is below one byte per second`);
  return bytes;
}

/** `30s`, `3s`, `2m`, `500ms` -> an nft time string; integers mean seconds. */
export function parseTimeout(text: string): string {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (!m || Number(m[1]) === 0) throw new PodpathError('E_LAB_OPTION', `--timeout "${text}" is not a duration like 30s, 2m or 500ms`);
  return `${m[1]}${m[2] ?? 's'}`;
}
