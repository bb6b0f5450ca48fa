// What the cluster's facts say about themselves (a backend-data annotation that gives no MAC, a
// net-conf.json that is not JSON, notes on the dumps read), as codes with data: ClusterFacts keeps
// the code, the data and the English text (for JSON readers); reports say them in their language.
import { z } from 'zod';
import { t, type Lang, type Localized, type MessageData } from '../util/i18n.js';

export const CLUSTER_TEXTS = {
  backendNotJson: { en: 'not JSON, and no VtepMAC in it', zh: '不是 JSON,其中也没有 VtepMAC' },
  backendNotJsonMacFromText: { en: 'not JSON (VtepMAC read from the text)', zh: '不是 JSON(VtepMAC 是从文本中读出的)' },
  backendNotJsonBadMac: { en: 'not JSON; VtepMAC {mac} is not a 6-byte MAC', zh: '不是 JSON;VtepMAC {mac} 不是 6 字节的 MAC' },
  backendJsonString: { en: 'a JSON string, not an object (extension backend): no VtepMAC', zh: '是 JSON 字符串而不是对象(extension 后端):没有 VtepMAC' },
  backendNotObject: { en: 'JSON but not an object: no VtepMAC', zh: '是 JSON 但不是对象:没有 VtepMAC' },
  noVtepMac: { en: 'no VtepMAC in it', zh: '其中没有 VtepMAC' },
  vtepMacNotString: { en: 'VtepMAC is not a string', zh: 'VtepMAC 不是字符串' },
  vtepMacBad: { en: 'VtepMAC {mac} is not a 6-byte MAC', zh: 'VtepMAC {mac} 不是 6 字节的 MAC' },
  netConfNotJson: { en: 'net-conf.json is not JSON', zh: 'net-conf.json 不是 JSON' },
  netConfNotObject: { en: 'net-conf.json is not an object', zh: 'net-conf.json 不是对象' },
  flannelConfigMaps: { en: '{n} flannel ConfigMaps; net-conf read from {from}', zh: '有 {n} 个 flannel ConfigMap;net-conf 取自 {from}' },
  itemsSkipped: { en: '{file}: {n} item(s) without kind or name skipped', zh: '{file}:跳过了 {n} 个没有 kind 或 name 的条目' },
  dumpTooDeep: { en: '{code}: {path} is more than {max} directories deep: not read', zh: '{code}:{path} 的目录层级超过 {max}:未读取' },
  dumpNotParsed: { en: '{file}: not a JSON or YAML dump of Kubernetes objects: `{error}`', zh: '{file}:不是 Kubernetes 对象的 JSON 或 YAML 导出:`{error}`' },
  emptyList: { en: 'an empty List: kubectl writes one on 401/403 too, so absence here proves nothing', zh: '空的 List:kubectl 在 401/403 时也会写出空 List,因此这里没有对象并不能说明什么' },
  readBefore: { en: '{n} read before: `{status}`', zh: '此前已读取 {n} 个:`{status}`' },
} satisfies Record<string, Localized>;

export type ClusterTextCode = keyof typeof CLUSTER_TEXTS;

/** A remark as a code with data, and its English text. */
export const Issue = z.object({
  code: z.string(),
  data: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  /** In English, for JSON readers. */
  text: z.string(),
});
export type Issue = z.infer<typeof Issue>;

export function clusterText(code: string, lang: Lang, data?: MessageData): string {
  const entry = (CLUSTER_TEXTS as Record<string, Localized>)[code];
  return entry ? t(entry, lang, data) : code;
}

export function issue(code: ClusterTextCode, data: MessageData = {}): Issue {
  return { code, data, text: clusterText(code, 'en', data) };
}
