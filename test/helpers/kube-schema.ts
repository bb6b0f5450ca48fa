// Checks a Kubernetes object twice, by two independent generations of the OpenAPI spec:
// kubernetes-models' ajv validators (types, formats, required fields), and a strict walk over
// @kubernetes/client-node's generated attribute maps that fails on any field the API does not
// know (the upstream schemas have no additionalProperties: false, so ajv alone misses typos).
import * as models from '@kubernetes/client-node/dist/gen/models/all.js';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Secret } from 'kubernetes-models/v1/Secret';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';

interface Attr { baseName: string; type: string }
type ModelClass = { getAttributeTypeMap(): Attr[] };
const MODELS = models as unknown as Record<string, ModelClass | undefined>;

const VALIDATORS: Record<string, (o: unknown) => void> = {
  Namespace: (o) => new Namespace(o as never).validate(),
  ServiceAccount: (o) => new ServiceAccount(o as never).validate(),
  Secret: (o) => new Secret(o as never).validate(),
  ConfigMap: (o) => new ConfigMap(o as never).validate(),
  DaemonSet: (o) => new DaemonSet(o as never).validate(),
};

/** Throws the validator's error (with the field path) when the object is not valid. */
export function validateAgainstOpenApi(obj: { kind?: string }): void {
  const v = VALIDATORS[obj.kind ?? ''];
  if (!v) throw new Error(`no validator for kind ${obj.kind}`);
  v(obj);
}

/** Every field path the API does not know, e.g. `spec.template.spec.containers[0].securityContex`. */
export function unknownFields(obj: { kind?: string }): string[] {
  const out: string[] = [];
  walk(obj, `V1${obj.kind}`, '', out);
  return out;
}

function walk(value: unknown, type: string, path: string, out: string[]): void {
  if (value === undefined || value === null) return;
  if (type.startsWith('Array<')) {
    if (!Array.isArray(value)) return void out.push(`${path} (not a list)`);
    value.forEach((v, i) => walk(v, type.slice(6, -1), `${path}[${i}]`, out));
    return;
  }
  if (type.startsWith('{ [key: string]: ')) {
    if (typeof value !== 'object') return void out.push(`${path} (not a map)`);
    const inner = type.slice('{ [key: string]: '.length, -'; }'.length);
    for (const [k, v] of Object.entries(value)) walk(v, inner, `${path}.${k}`, out);
    return;
  }
  const model = MODELS[type];
  if (!model) return; // a primitive, IntOrString, Quantity or Date: ajv checks those
  if (typeof value !== 'object' || Array.isArray(value)) return void out.push(`${path} (not an object)`);
  const attrs = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value)) {
    const t = attrs.get(k);
    const p = path ? `${path}.${k}` : k;
    if (t === undefined) out.push(p);
    else walk(v, t, p, out);
  }
}
