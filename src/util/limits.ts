// Every limit podpath applies to what it reads, in one table: the README's limits section is
// generated from this table (and a test keeps the two in step). A limit that is hit gives an
// error with its code, or, where a partial result still means something, a note with the code.

export interface Limit {
  /** Stable error code given when the limit is hit. */
  code: string;
  value: number;
  unit: 'bytes' | 'files' | 'levels' | 'characters' | 'lines' | 'seconds' | 'items' | 'requests' | 'connections';
  /** What is limited, in a few words. */
  what: string;
}

export const LIMITS = {
  // Kubernetes: dumps read from files and API responses (src/sources/kube/).
  kubeDumpBytes: { code: 'E_KUBE_DUMP_TOO_LARGE', value: 256 * 1024 * 1024, unit: 'bytes', what: 'one Kubernetes dump file' },
  kubeDumpFiles: { code: 'E_KUBE_DUMP_TOO_MANY_FILES', value: 10_000, unit: 'files', what: 'dump files under the directories given' },
  kubeDumpDepth: { code: 'E_KUBE_DUMP_TOO_DEEP', value: 8, unit: 'levels', what: 'directory depth searched for dumps (deeper is not read)' },
  kubeObjects: { code: 'E_KUBE_TOO_MANY_OBJECTS', value: 500_000, unit: 'items', what: 'Kubernetes objects read, dumps or API' },
  kubeResponseBytes: { code: 'E_KUBE_RESPONSE_TOO_LARGE', value: 64 * 1024 * 1024, unit: 'bytes', what: 'one API server response (one page of a list)' },
  kubeListPages: { code: 'E_KUBE_TOO_MANY_PAGES', value: 2_000, unit: 'requests', what: 'pages of one list (limit=500 each)' },
  clusterBundleBytes: { code: 'E_BUNDLE_TOO_LARGE', value: 1024 * 1024, unit: 'bytes', what: 'the bundle ConfigMap as JSON (the API object limit)' },
  clusterBundleInputBytes: { code: 'E_BUNDLE_TOO_LARGE', value: 16 * 1024 * 1024, unit: 'bytes', what: 'the podpath.mjs read for --bundle' },
  kubeRequestSeconds: { code: 'E_KUBE_TIMEOUT', value: 30, unit: 'seconds', what: 'one API request' },
} as const satisfies Record<string, Limit>;
