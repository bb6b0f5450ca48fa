// Kubernetes objects as read from the API or a dump: untrusted JSON. Safe accessors that never
// throw on a wrong shape, and list flattening for both the server form (NodeList, items without
// kind) and kubectl's form (`kind: List`, items with kind).

export interface KubeObject {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations: Record<string, string> };
  raw: Record<string, unknown>;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function get(v: unknown, ...path: (string | number)[]): unknown {
  let cur = v;
  for (const p of path) {
    if (typeof p === 'number') cur = Array.isArray(cur) ? cur[p] : undefined;
    else cur = isRecord(cur) && Object.prototype.hasOwnProperty.call(cur, p) ? cur[p] : undefined;
  }
  return cur;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** The name a cited object gets when its dump has none (a fragment cut before metadata.name). */
export const NO_NAME = '(no name)';

/** One object, or undefined when it has no kind (nothing we could tell it for). */
export function toKubeObject(v: unknown, kindHint?: string, apiVersionHint?: string): KubeObject | undefined {
  if (!isRecord(v)) return undefined;
  const kind = str(v.kind) ?? kindHint;
  const name = str(get(v, 'metadata', 'name')) ?? NO_NAME;
  if (!kind) return undefined;
  return {
    apiVersion: str(v.apiVersion) ?? apiVersionHint,
    kind,
    metadata: {
      name,
      namespace: str(get(v, 'metadata', 'namespace')),
      labels: stringMap(get(v, 'metadata', 'labels')),
      annotations: stringMap(get(v, 'metadata', 'annotations')),
    },
    raw: v,
  };
}

/**
 * Objects of one parsed document: a single object, a typed list (`NodeList`: items take the
 * kind from the list's) or kubectl's `List` (items carry their own kind). Nested lists are not
 * followed: the API never nests them.
 */
export function flattenDocument(doc: unknown): { objects: KubeObject[]; skipped: number } {
  if (!isRecord(doc)) return { objects: [], skipped: doc === null || doc === undefined ? 0 : 1 };
  const kind = str(doc.kind);
  if (Array.isArray(doc.items) && (kind === undefined || kind.endsWith('List'))) {
    const itemKind = kind && kind !== 'List' ? kind.slice(0, -'List'.length) : undefined;
    const objects: KubeObject[] = [];
    let skipped = 0;
    for (const item of doc.items) {
      const o = toKubeObject(item, itemKind, str(doc.apiVersion));
      if (o) objects.push(o);
      else skipped++;
    }
    return { objects, skipped };
  }
  const o = toKubeObject(doc);
  return o ? { objects: [o], skipped: 0 } : { objects: [], skipped: 1 };
}

/** `metadata.annotations["key"]`, the path form rules quote. */
export function annotationPath(key: string): string {
  return `metadata.annotations[${JSON.stringify(key)}]`;
}

export function refOf(o: KubeObject, path: string): { kind: string; name: string; namespace?: string; path: string } {
  return { kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), path };
}
