// The pure parsers on every recorded fixture (test/fixtures/kube, see SOURCES.md).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildClusterFacts } from './build.js';
import { parseDumpText, splitJsonValues } from './files.js';
import { toKubeObject } from './objects.js';
import { normalizeMac, parseBackendData, parseCalicoAnnotations, parseFlannelAnnotations } from './parse-node.js';

const FX = join(__dirname, '../../../test/fixtures/kube');
const read = (p: string) => readFileSync(join(FX, p), 'utf8');
const factsOf = (...files: string[]) => {
  const objects = files.flatMap((f) => parseDumpText(read(f), f).objects);
  return buildClusterFacts({ source: { kind: 'files', files }, objects, partial: [], notes: [] });
};

describe('flannel backend-data: the six recorded shapes', () => {
  const fragments = JSON.parse(read('fragments/node-annotations.json')) as {
    flannel: { source: string; annotations: Record<string, string> | null }[];
    calico: { source: string; annotations: Record<string, string> }[];
  };
  const want: Record<string, { mac?: string; vni?: number; problem?: RegExp }> = {
    'dist/fake-node.yaml': { mac: '96:59:b2:3f:04:ee' },
    'flannel/issues/2039': { mac: '02:56:7c:28:3e:59', vni: 1 },
    'sealer/issues/1541': { mac: '92:d4:11:1f:95:9d', vni: 1 },
    'flannel/issues/946': { mac: 'f6:45:ee:df:8e:61' },
    'k8s-bigip-ctlr/issues/558': { mac: 'b2:34:20:11:27:6b' },
    'tectonic-forum/issues/41': { mac: '76:a1:98:8f:f2:6f' },
    'k8s-bigip-ctlr/issues/1480': { mac: '00:15:5d:b3:ac:db', vni: 4096 },
    'k3s/issues/1824': { problem: /JSON string/ },
    'k3s/issues/5600': {},
    'flannel/issues/1122': { problem: /not JSON; VtepMAC "aa:bb:cc:dd:ee" is not a 6-byte MAC/ },
  };
  for (const f of fragments.flannel) {
    if (!f.annotations) continue;
    const key = Object.keys(want).find((k) => f.source.includes(k));
    it(`${f.source}`, () => {
      expect(key, 'every recorded map has an expectation').toBeDefined();
      const node = toKubeObject({ kind: 'Node', apiVersion: 'v1', metadata: { name: 'n', annotations: f.annotations } })!;
      const fl = parseFlannelAnnotations(node)!;
      const w = want[key!]!;
      expect(fl.vtepMAC?.value).toBe(w.mac);
      expect(fl.vni?.value).toBe(w.vni);
      if (w.problem) expect(fl.backendDataProblem?.text).toMatch(w.problem);
      else if (fl.backendData) expect(fl.backendDataProblem).toBeUndefined();
      if (fl.vtepMAC) expect(fl.vtepMAC.from).toEqual({ kind: 'Node', name: 'n', path: 'metadata.annotations["flannel.alpha.coreos.com/backend-data"]' });
    });
  }
  it('IPv6-only: the MAC comes from backend-v6-data, no IPv4 MAC', () => {
    const f = fragments.flannel.find((x) => x.source.includes('k3s/issues/5600'))!;
    const fl = parseFlannelAnnotations(toKubeObject({ kind: 'Node', metadata: { name: 'n', annotations: f.annotations } })!)!;
    expect(fl.vtepMACv6?.value).toBe('42:65:94:14:0a:65');
    expect(fl.publicIPv6?.value).toBe('2600:1f1c:ab4:ee48:b0e8:6e19:17b:1cc7');
  });
  it('Calico annotations: every key of calico own parser test; the MAC-less node of calico#9086', () => {
    const [all, noMac] = fragments.calico.map((c) => parseCalicoAnnotations(toKubeObject({ kind: 'Node', metadata: { name: 'n', annotations: c.annotations } })!)!);
    expect(all!.ipv4Address?.value).toBe('172.17.17.10');
    expect(all!.vxlanTunnelMACAddr?.value).toBe('00:11:22:33:44:55');
    expect(all!.ipv6VXLANTunnelAddr?.value).toBe('fd10::11');
    expect(all!.asNumber?.value).toBe('2546');
    expect(noMac!.ipv4Address?.value).toBe('192.168.124.153/24');
    expect(noMac!.vxlanTunnelMACAddr).toBeUndefined();
  });
  it('MACs: normalised, bad ones refused, junk never throws', () => {
    expect(normalizeMac('02:56:7C:28:3E:59')).toBe('02:56:7c:28:3e:59');
    expect(normalizeMac('2:56:7c:28:3e:59')).toBe('02:56:7c:28:3e:59');
    expect(normalizeMac('aa:bb:cc:dd:ee')).toBeUndefined();
    for (const junk of ['', '{', 'null', '[]', '{"VtepMAC":5}', '"x"', '{"VtepMAC":"zz:zz:zz:zz:zz:zz"}']) expect(() => parseBackendData(junk)).not.toThrow();
    expect(parseBackendData('{"VtepMAC":"96:59:b2:3f:04:ee"} ').vtepMAC).toBe('96:59:b2:3f:04:ee');
  });
});

describe('nodes', () => {
  it('EKS server NodeList: addresses, versions, conditions, labels, with their field paths', () => {
    const f = factsOf('api/nodelist-eks-server.json');
    expect(f.nodes.map((n) => n.name)).toEqual(['duckboat-01', 'duckboat-02']);
    const n = f.nodes[0]!;
    expect(n.internalIPs.value.length).toBe(1);
    expect(n.kernelVersion?.value).toBe('5.4.129-63.229.amzn2.aarch64');
    expect(n.kubeProxyVersion?.value).toBe('v1.21.2-13+d2965f0db10712');
    expect(n.kubeletVersion?.from).toEqual({ kind: 'Node', name: 'duckboat-01', path: 'status.nodeInfo.kubeletVersion' });
    expect(n.conditions.value.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(n.unschedulable.value).toBe(false);
    expect(n.labels.value['kubernetes.io/arch']).toBe('arm64');
    expect(f.counts).toEqual({ Node: 2 });
  });
  it('paged lists give the same nodes as the whole list', () => {
    const paged = factsOf('api/nodelist-eks-server-page1-limit1.json', 'api/nodelist-eks-server-page2.json');
    expect(paged.nodes).toEqual(factsOf('api/nodelist-eks-server.json').nodes);
  });
  it('kubectl List form: InternalIP and ExternalIP, kernel', () => {
    const f = factsOf('api/nodes-eks-kubectl-list.json');
    expect(f.nodes).toHaveLength(2);
    expect(f.nodes[0]!.externalIPs.value.length).toBe(1);
    expect(f.nodes[0]!.kernelVersion?.value).toBe('4.14.154-128.181.amzn2.x86_64');
  });
  it('flannel composed list: VtepMAC, public-ip = InternalIP, podCIDRs', () => {
    const f = factsOf('api/nodelist-flannel-composed-server.json');
    expect(f.nodes.map((n) => n.flannel?.vtepMAC?.value)).toEqual(['02:56:7c:28:3e:59', '92:d4:11:1f:95:9d']);
    for (const n of f.nodes) {
      expect(n.flannel?.publicIP?.value).toBe(n.internalIPs.value[0]);
      expect(n.podCIDRs.value).toHaveLength(1);
    }
  });
  it('Calico composed list: tunnel address and MAC per node', () => {
    const f = factsOf('api/nodelist-calico-composed-server.json');
    expect(f.nodes.map((n) => n.calico?.ipv4VXLANTunnelAddr?.value)).toEqual(['10.244.97.0', '10.244.19.0']);
    expect(f.nodes.every((n) => n.calico?.vxlanTunnelMACAddr !== undefined)).toBe(true);
  });
  it('single nodes: minikube (no podCIDR), flannel fake node, hand-made citrixadc (junk kept as written), calico from v3', () => {
    expect(factsOf('api/node-minikube.json').nodes[0]!.podCIDRs.value).toEqual([]);
    expect(factsOf('api/node-flannel-fake.yaml').nodes[0]!.flannel?.vtepMAC?.value).toBe('96:59:b2:3f:04:ee');
    const adc = factsOf('api/node-flannel-dummy-citrixadc.json').nodes[0]!;
    expect(adc.flannel?.publicIP?.value).toBe('x.x.x.x');
    expect(adc.flannel?.vtepMAC).toBeUndefined();
    expect(adc.podCIDRs.value).toEqual(['10.200.254.1/24']);
    expect(factsOf('api/node-calico-from-v3.json').nodes[0]!.calico?.ipv4VXLANTunnelAddr?.value).toBe('10.100.219.64');
    expect(factsOf('api/node-calico-all-annotations.json').nodes[0]!.calico?.vxlanTunnelMACAddr?.value).toBe('00:11:22:33:44:55');
  });
  it('k3s fragments without a name survive (named "(no name)"), with their annotations', () => {
    const ext = factsOf('api/node-flannel-k3s-wireguard-extension.yaml').nodes[0]!;
    expect(ext.name).toBe('(no name)');
    expect(ext.flannel?.backendType?.value).toBe('extension');
    expect(factsOf('api/node-flannel-k3s-ipv6only.yaml').nodes[0]!.flannel?.vtepMACv6?.value).toBe('42:65:94:14:0a:65');
  });
  it("Calico's own Node kind (projectcalico.org/v3) is not a Kubernetes node", () => {
    const f = factsOf('api/node-calico-v3-calicoctl.yaml', 'api/node-calico-from-v3.json');
    expect(f.nodes.map((n) => n.name)).toEqual(['master']);
    expect(f.nodes[0]!.calico).toBeDefined();
  });
  it('a PodList is read without becoming nodes', () => {
    const f = factsOf('api/podlist-calico-server.json');
    expect(f.nodes).toEqual([]);
    expect(f.counts.Pod).toBe(11);
  });
});

describe('cluster configuration', () => {
  it('flannel net-conf, current and 2018 manifests: backend vxlan, default port/VNI left unset', () => {
    for (const file of ['api/configmap-kube-flannel-cfg.yaml', 'api/configmap-kube-flannel-cfg-2018.yaml']) {
      const nc = factsOf(file).flannelNetConf!;
      expect(nc.network).toBe('10.244.0.0/16');
      expect(nc.backendType).toBe('vxlan');
      expect(nc.port).toBeUndefined();
      expect(nc.vni).toBeUndefined();
      expect(nc.from.path).toBe('data["net-conf.json"]');
    }
    expect(factsOf('api/configmap-kube-flannel-cfg.yaml').flannelNetConf!.from.namespace).toBe('kube-flannel');
  });
  it('net-conf with port, VNI, MTU; and one that is not JSON', () => {
    const cm = (conf: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-flannel-cfg, namespace: kube-flannel}\ndata:\n  net-conf.json: '${conf}'\n`;
    const f = buildClusterFacts({ source: { kind: 'files' }, objects: parseDumpText(cm('{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan","Port":4789,"VNI":4096,"MTU":1400,"DirectRouting":true}}'), 'x').objects, partial: [], notes: [] });
    expect(f.flannelNetConf).toMatchObject({ port: 4789, vni: 4096, mtu: 1400, directRouting: true });
    const bad = buildClusterFacts({ source: { kind: 'files' }, objects: parseDumpText(cm('{oops'), 'x').objects, partial: [], notes: [] });
    expect(bad.flannelNetConf?.problem).toMatchObject({ code: 'netConfNotJson', text: expect.stringMatching(/not JSON/) });
  });
  it('IPPools: v3 modes as written, crd-v1 pool without modes = unset, CrossSubnet default pool', () => {
    const v3 = factsOf('api/ippoollist-v3-calicoctl.yaml').calico.ippools;
    expect(v3.map((p) => [p.name, p.vxlanMode, p.ipipMode])).toEqual([['test1-pool', 'unset', 'unset'], ['test2-pool', 'Never', 'Never']]);
    expect(factsOf('api/ippool-crd-v1-no-modes.yaml').calico.ippools[0]).toMatchObject({ apiVersion: 'crd.projectcalico.org/v1', vxlanMode: 'unset' });
    const def = factsOf('api/ippoollist-default-crosssubnet-crd-v1.json').calico.ippools[0]!;
    expect(def).toMatchObject({ cidr: '192.168.0.0/16', vxlanMode: 'CrossSubnet', ipipMode: 'Never', natOutgoing: true, blockSize: 26 });
    expect(factsOf('api/ippool-default-always-v3.yaml').calico.ippools[0]!.vxlanMode).toBe('Always');
  });
  it('the same pool in v3 and crd v1 is one pool, the v3 view kept', () => {
    const f = factsOf('api/ippool-default-always-v3.yaml', 'api/ippoollist-default-crosssubnet-crd-v1.json');
    expect(f.calico.ippools).toHaveLength(1);
    expect(f.calico.ippools[0]!.apiVersion).toBe('projectcalico.org/v3');
  });
  it('FelixConfiguration: VXLAN port/VNI/MTU and the checksum-offload override', () => {
    const v3 = factsOf('api/felixconfiguration-v3-vxlan.yaml').calico.felixConfigurations[0]!;
    expect(v3).toMatchObject({ vxlanPort: 4789, vxlanVNI: 4096, vxlanMTU: 1450, vxlanEnabled: true });
    expect(v3.featureDetectOverride).toEqual({ ChecksumOffloadBroken: 'true', SNATFullyRandom: 'false' });
    const azure = factsOf('api/felixconfiguration-crd-v1-checksum-override.yaml').calico.felixConfigurations[0]!;
    expect(azure.featureDetectOverride).toEqual({ ChecksumOffloadBroken: 'true' });
    expect(azure.vxlanPort).toBeUndefined();
  });
  it('kube-proxy mode "" is iptables, with the field it came from', () => {
    const kp = factsOf('api/configmap-kube-proxy.yaml').kubeProxy!;
    expect(kp.mode.value).toBe('iptables');
    expect(kp.modeAsWritten).toBe('');
    expect(kp.mode.from).toMatchObject({ kind: 'ConfigMap', name: 'kube-proxy', namespace: 'kube-system' });
  });
  it('cluster DNS: the Service by label, endpoints from Endpoints and from EndpointSlices', () => {
    const f = factsOf('api/service-kube-dns.yaml', 'api/endpoints-kube-dns.json', 'api/endpointslice-kube-dns.json');
    expect(f.dns!.service).toMatchObject({ name: 'kube-dns', namespace: 'kube-system', clusterIPs: ['10.96.0.10'] });
    expect(f.dns!.service.ports.map((p) => p.name)).toEqual(['dns', 'dns-tcp', 'metrics']);
    expect(f.dns!.endpoints.map((e) => e.ip).sort()).toEqual(['10.244.0.2', '10.244.0.3', '10.244.0.4']);
    expect(f.dns!.endpoints.find((e) => e.ip === '10.244.0.3')!.from.kind).toBe('EndpointSlice');
  });
  it('every fixture in api/ parses, and the ConfigMap of calico-config is counted, not misread', () => {
    for (const f of readdirSync(join(FX, 'api'))) expect(() => factsOf(`api/${f}`), f).not.toThrow();
    const f = factsOf('api/configmap-calico-config.yaml');
    expect(f.flannelNetConf).toBeUndefined();
    expect(f.counts.ConfigMap).toBe(1);
  });
});

describe('dumps', () => {
  const partial410 = read('text/kubectl-1.20.2-get-nodes-o-json-partial-after-410.json');
  const stderr410 = read('text/kubectl-1.20.2-session-against-stub.txt').split('\n').find((l) => l.startsWith('Error from server (Expired)'))!;
  it('kubectl 1.20 dump cut by a 410: 1 node, and when its error is in the file, partial says so', () => {
    expect(parseDumpText(partial410, 'nodes.json').objects).toHaveLength(1);
    expect(parseDumpText(partial410, 'nodes.json').partial).toEqual([]);
    const both = parseDumpText(`${partial410}\n${stderr410}\n`, 'nodes.json');
    expect(both.objects).toHaveLength(1);
    expect(both.partial).toEqual([expect.objectContaining({ resource: 'nodes.json', code: 'E_KUBE_EXPIRED' })]);
  });
  it('an empty List (what kubectl writes on 403) is partial, not "no nodes"', () => {
    const d = parseDumpText('{"apiVersion":"v1","items":[],"kind":"List","metadata":{"resourceVersion":""}}\nError from server (Forbidden): nodes is forbidden\n', 'n.json');
    expect(d.partial.map((p) => p.code).sort()).toEqual(['E_KUBE_DUMP_EMPTY', 'E_KUBE_FORBIDDEN']);
  });
  it('concatenated JSON (kubectl ... >> file) and multi-document YAML', () => {
    const two = read('api/nodelist-eks-server-page1-limit1.json') + read('api/nodelist-eks-server-page2.json');
    expect(parseDumpText(two, 'x').objects.map((o) => o.metadata.name)).toEqual(['duckboat-01', 'duckboat-02']);
    const yaml = `${read('api/service-kube-dns.yaml')}\n---\n${read('api/configmap-kube-proxy.yaml')}`;
    expect(parseDumpText(yaml, 'x').objects.map((o) => o.kind)).toEqual(['Service', 'ConfigMap']);
    expect(splitJsonValues('{"a":"}{"} [1]')).toEqual(['{"a":"}{"}', '[1]']);
  });
  it('junk is one coded error, never a crash', () => {
    for (const junk of ['{"kind":', 'a: [', '}{', '{"a":1} x']) expect(() => parseDumpText(junk, 'j')).toThrow(/E_KUBE_DUMP_PARSE|not a JSON/);
    expect(parseDumpText('null', 'j').objects).toEqual([]);
    expect(parseDumpText('{"kind":"NodeList","items":[null,5,{"metadata":{"name":"x"}}]}', 'j').objects.map((o) => o.kind)).toEqual(['Node']);
  });
});

describe('dump directories', () => {
  it('reads every dump under a directory, skips links and non-dumps, notes what is too deep', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { readKubeDumps } = await import('./files.js');
    const dir = mkdtempSync(join(tmpdir(), 'podpath-dumps-'));
    try {
      writeFileSync(join(dir, 'nodes.json'), read('api/nodelist-eks-server.json'));
      mkdirSync(join(dir, 'kube'));
      writeFileSync(join(dir, 'kube', 'proxy.yaml'), read('api/configmap-kube-proxy.yaml'));
      writeFileSync(join(dir, 'podpath.json'), '{"schemaVersion": 3, "links": []}');
      writeFileSync(join(dir, 'broken.json'), '{"kind":');
      symlinkSync('/etc/passwd', join(dir, 'passwd.json'));
      let deep = dir;
      for (let i = 0; i < 10; i++) mkdirSync((deep = join(deep, `d${i}`)));
      writeFileSync(join(deep, 'deep.json'), read('api/node-minikube.json'));
      const inv = await readKubeDumps([dir]);
      const facts = buildClusterFacts(inv);
      expect(facts.nodes.map((n) => n.name)).toEqual(['duckboat-01', 'duckboat-02']);
      expect(facts.kubeProxy?.mode.value).toBe('iptables');
      expect(inv.notes.some((n) => n.text.includes('E_KUBE_DUMP_TOO_DEEP'))).toBe(true);
      expect(inv.notes.some((n) => n.code === 'dumpNotParsed' && n.text.includes('broken.json') && n.text.includes('E_KUBE_DUMP_PARSE') === false)).toBe(true);
      expect(inv.source.files!.some((f) => f.endsWith('passwd.json'))).toBe(false);
      await expect(readKubeDumps([join(dir, 'broken.json')])).rejects.toThrow(expect.objectContaining({ code: 'E_KUBE_DUMP_PARSE' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
