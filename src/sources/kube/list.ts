// Lists in pages (limit/continue), as kubectl does, never a watch. A 410 (the continue token
// expired while paging) restarts the list from scratch once; a second one, or a 403, leaves a
// partial list that says so. 401 stops everything: nothing else will work either.
// The first page asks for resourceVersion=0: any recent state, served from the API server's watch
// cache instead of a quorum read of etcd (cheap on 5,000 nodes; since kubernetes#70735, v1.14, the
// cache answers it whole, limit ignored). A diagnosis reads a moment's state anyway; `consistent`
// is for the callers that must see their own last write (uninstall's list of what install made).
// Continue pages carry no resourceVersion: the token holds it.
import type { PartialList } from '../../evidence/cluster-facts.js';
import { LIMITS } from '../../util/limits.js';
import { PodpathError } from '../../util/errors.js';
import { statusCode, statusError, statusMessage, type KubeClient } from './client.js';
import { arr, get, str, toKubeObject, type KubeObject } from './objects.js';

export interface ListResult {
  objects: KubeObject[];
  /** The resource is not served (404: a CRD or an API group that is not installed). */
  notFound?: boolean;
  partial?: PartialList;
}

export interface ListOptions {
  kind: string;
  apiVersion: string;
  labelSelector?: string;
  /** Page size; kubectl uses 500. */
  limit?: number;
  /** A consistent (quorum) read instead of the watch cache's resourceVersion=0. */
  consistent?: boolean;
}

export async function listAll(client: KubeClient, path: string, o: ListOptions): Promise<ListResult> {
  const limit = String(o.limit ?? 500);
  let restarted = false;
  let objects: KubeObject[] = [];
  let cont: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= LIMITS.kubeListPages.value) throw new PodpathError(LIMITS.kubeListPages.code, `${path}: more than ${LIMITS.kubeListPages.value} pages`);
    const resourceVersion = cont === undefined && !o.consistent ? '0' : undefined;
    const res = await client.request(path, { query: { limit, continue: cont, labelSelector: o.labelSelector, resourceVersion } });
    if (res.status === 200) {
      for (const item of arr(get(res.body, 'items'))) {
        const obj = toKubeObject(item, o.kind, o.apiVersion);
        if (obj) objects.push(obj);
      }
      if (objects.length > LIMITS.kubeObjects.value) throw new PodpathError(LIMITS.kubeObjects.code, `${path}: more than ${LIMITS.kubeObjects.value} objects`);
      cont = str(get(res.body, 'metadata', 'continue')) || undefined;
      if (!cont) return { objects };
      continue;
    }
    if (res.status === 410 && cont !== undefined && !restarted) {
      // The snapshot we were paging through is gone: start again, once, for a consistent list.
      restarted = true;
      objects = [];
      cont = undefined;
      continue;
    }
    if (res.status === 404 && page === 0) return { objects: [], notFound: true };
    if (res.status === 401) throw statusError(res, `list ${path}`);
    if (res.status === 403 || res.status === 410) {
      return { objects, partial: { resource: path, code: statusCode(res.status), message: `${objects.length} read before: ${statusMessage(res)}`, says: { code: 'readBefore', data: { n: objects.length, status: statusMessage(res) } } } };
    }
    throw statusError(res, `list ${path}`);
  }
}
