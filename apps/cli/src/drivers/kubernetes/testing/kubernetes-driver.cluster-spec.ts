import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';
import { Serdes, StreamsBuilder } from '@platform/streams';
import { runCliForTest, testConfig } from '../../../__fixtures__/run-cli';
import { connectKubernetes } from '../connect';
import { KINDS, type KubeObject, type PersistentVolumeClaim, type PodDisruptionBudget, type Service, type StatefulSet } from '../kube-api';
import { ClientNodeKubeApi } from '../client-node-api';
import { loadKubeAccess } from '../kube-access';
import type { KubernetesDriver } from '../kubernetes-driver';
import { PodRuntime } from './pod-runtime';
import { startCluster, tail, workspaceRoot, type TestCluster } from './cluster';

// Opt-in (`npx nx run helm:test-cluster`, not in `npm test`: a cold build of the control plane takes ~25 min):
// the Kubernetes driver against a real kube-apiserver + etcd + kube-controller-manager + kwok, authenticated as the
// chart's CLI service account (its Role is the only permission it has). The chart's communication StatefulSet,
// Services and PDB are rendered by the real helm and applied; the StatefulSet controller creates the pods and PVCs
// (bound to pre-created PersistentVolumes: kwok has no provisioner), kwok makes them Ready, and PodRuntime runs
// the app's Kafka side for each Ready pod on the shared broker.

const NS = 'chat';
const NODE = 'kwok-node-0';
const KEYS = Array.from({ length: 6 }, (_, i) => `k${i}`);

function topology(input: string) {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .selectKey((key) => key, { name: 'same', keySerde: Serdes.string() })
    .groupByKey()
    .count({ name: 'counts' });
  return builder.build();
}

type Manifest = KubeObject & { spec?: Record<string, unknown> };

function render(helm: string, topicsNamespace: string): Manifest[] {
  const sets = ['statefulApps.admin.enabled=false', 'statefulApps.chatplugin.enabled=false', 'statefulApps.webhooks.enabled=false', 'statefulApps.communication.replicas=1', `topics.namespace=${topicsNamespace}`];
  const result = spawnSync(helm, ['template', 'chat', path.join(workspaceRoot, 'helm', 'charts', 'kafka-chat-platform'), '--namespace', NS, ...sets.flatMap((s) => ['--set', s])], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

describe('the Kubernetes driver against a real API server with controllers and kwok nodes', () => {
  const kafka = newKafka('cli-kube-spec');
  const admin = kafka.admin();
  const producer = kafka.producer();
  const stateRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-kube-state-'));
  let cluster: TestCluster | undefined;
  let driver: KubernetesDriver | undefined;
  let adminApi: ClientNodeKubeApi | undefined;
  let runtime: PodRuntime | undefined;

  beforeAll(async () => {
    await Promise.all([admin.connect(), producer.connect()]);
    cluster = await startCluster();
  }, 3_600_000);

  afterAll(async () => {
    await runtime?.close();
    await driver?.close();
    await adminApi?.close();
    await cluster?.stop();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    fs.rmSync(stateRoot, { recursive: true, force: true });
  });

  it('status, reprocess (clone, switch, keep-old), rollback, reset (scale to 0, wipe PVCs, scale back), rollback restarting a stopped version, reprocess with retirement, as the CLI service account', async () => {
    const c = cluster as TestCluster;
    const topicsNamespace = uniqueName('kube');
    const applicationId = `${topicsNamespace}.communication`;
    const input = `${topicsNamespace}.visits`;
    await createTopic(admin, input, { partitions: 2 });

    // Cluster fixtures: the namespace, one kwok node, PersistentVolumes for every claim the scenario makes.
    await c.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await c.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE, labels: { type: 'kwok' }, annotations: { 'kwok.x-k8s.io/node': 'fake' } }, spec: {} });
    for (let i = 0; i < 6; i++) {
      await c.request('POST', '/api/v1/persistentvolumes', { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: `pv-${i}` }, spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/tmp/pv-${i}` } } });
    }
    // The chart's objects for communication v1 and the CLI's RBAC, as helm renders them; pods pinned to the kwok node (no scheduler).
    adminApi = new ClientNodeKubeApi(loadKubeAccess({ kubeconfig: c.adminKubeconfig }), NS, 30_000);
    const manifests = render(c.helm, topicsNamespace);
    const kinds = { ServiceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts' }, Role: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', plural: 'roles' }, RoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', plural: 'rolebindings' }, StatefulSet: KINDS.statefulSet, Service: KINDS.service, PodDisruptionBudget: KINDS.pdb } as const;
    for (const m of manifests) {
      const kind = kinds[m.kind as keyof typeof kinds];
      const forCli = m.metadata.name === 'chat-cli';
      if (!kind || (!forCli && m.metadata.labels?.['app.kubernetes.io/name'] !== 'communication')) continue;
      if (m.kind === 'StatefulSet') (m as StatefulSet).spec.template.spec.nodeName = NODE;
      await adminApi.create(kind, m);
    }
    const { status: minted } = await c.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${NS}/serviceaccounts/chat-cli/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } });
    const config = testConfig({ topicsNamespace, driver: 'kubernetes', kubeNamespace: NS, timeoutMs: 90_000, kube: { kubeconfig: c.kubeconfigWithToken('cli', minted.token) } });
    // RBAC is eventually consistent: the Role and RoleBinding just created reach the authorizer's cache moments later.
    driver = await waitFor(() => connectKubernetes(config), { timeoutMs: 30_000, intervalMs: 250, description: 'the CLI service account may list StatefulSets' });
    const d = driver;

    runtime = new PodRuntime(adminApi, 'communication', applicationId, kafka, () => topology(input), stateRoot);
    runtime.start();
    const rt = runtime;
    const written = new Map<string, number>(KEYS.map((k) => [k, 0]));
    const write = async (n: number) => {
      const messages = Array.from({ length: n }, (_, i) => KEYS[i % KEYS.length] as string).map((key) => {
        written.set(key, (written.get(key) ?? 0) + 1);
        return { key, value: 'visit' };
      });
      await producer.send({ topic: input, messages });
    };
    const expected = () => KEYS.map((k) => written.get(k) ?? 0).join();
    const counts = (version: number) => {
      const store = rt.application(version)?.localStore<string, number>('counts');
      return store ? KEYS.map((k) => store.get(k) ?? 0).join() : 'not running';
    };
    const counted = (version: number, what: string) => waitFor(() => counts(version) === expected(), { timeoutMs: 60_000, description: `${what}: v${version} counts ${expected()} (has ${counts(version)})` });
    await write(120);
    try {
      await counted(1, 'the StatefulSet controller made pod chat-communication-v1-0, kwok made it Ready');
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- kube-controller-manager:\n${tail(c, 'kube-controller-manager')}\n--- kwok:\n${tail(c, 'kwok')}`);
    }

    // status
    expect(await d.liveVersion('communication')).toBe(1);
    expect(await d.instances('communication')).toEqual([{ app: 'communication', version: 1, instance: 'chat-communication-v1-0', state: 'running', live: true, stateDir: 'persistentvolumeclaim/state-chat-communication-v1-0' }]);
    const status = await runCliForTest(['apps', 'communication', '--json'], d, config);
    expect(status.json<{ apps: { version: number; live: boolean; groupState: string; lag: number; instances: { instance: string; state: string }[] }[] }>().apps).toEqual([
      expect.objectContaining({ version: 1, live: true, groupState: 'Stable', instances: [expect.objectContaining({ instance: 'chat-communication-v1-0', state: 'running' })] }),
    ]);

    // reprocess v1 → v2, keeping v1: v2's StatefulSet, headless Service and PDB cloned from v1's; traffic switched.
    await write(30);
    const v2 = await runCliForTest(['app', 'reprocess', 'communication', '--max-lag', '0', '--keep-old', '--timeout', '90s', '--yes', '--json'], d, config);
    expect({ code: v2.code, stderr: v2.code === 0 ? '' : v2.stderr }).toEqual({ code: 0, stderr: '' });
    expect(v2.json()).toMatchObject({ from: 1, to: 2, retired: false, inputs: [input] });
    const set2 = (await adminApi.get<StatefulSet>(KINDS.statefulSet, 'chat-communication-v2')) as StatefulSet;
    expect(set2.spec.serviceName).toBe('chat-communication-v2-headless');
    expect(set2.spec.selector.matchLabels?.['kafka-chat-platform/version']).toBe('2');
    const env2 = new Map((set2.spec.template.spec.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
    expect(env2.get('APP_VERSION')).toBe('2');
    expect(env2.get('APPLICATION_SERVER')).toBe(`$(POD_NAME).chat-communication-v2-headless.${NS}.svc:3000`);
    expect((await adminApi.get<Service>(KINDS.service, 'chat-communication-v2-headless'))?.spec.selector?.['kafka-chat-platform/version']).toBe('2');
    expect((await adminApi.get<PodDisruptionBudget>(KINDS.pdb, 'chat-communication-v2'))?.spec.selector?.matchLabels?.['kafka-chat-platform/version']).toBe('2');
    expect((await adminApi.get<Service>(KINDS.service, 'chat-communication'))?.spec.selector?.['kafka-chat-platform/version']).toBe('2');
    expect(counts(2)).toBe(expected());
    expect((await d.instances('communication')).map((i) => `${i.instance}:${i.state}:${i.live}`)).toEqual(['chat-communication-v1-0:running:false', 'chat-communication-v2-0:running:true']);

    // rollback to v1 (still running), stopping v2: v2 scaled to 0, its claim kept.
    await write(30);
    const back = await runCliForTest(['app', 'rollback', 'communication', '--max-lag', '0', '--stop-current', '--timeout', '90s', '--yes', '--json'], d, config);
    expect({ code: back.code, stderr: back.code === 0 ? '' : back.stderr }).toEqual({ code: 0, stderr: '' });
    expect(back.json()).toMatchObject({ from: 2, to: 1, restarted: false });
    expect(await d.liveVersion('communication')).toBe(1);
    expect((await adminApi.get<StatefulSet>(KINDS.statefulSet, 'chat-communication-v2'))?.spec.replicas).toBe(0);
    expect((await d.instances('communication')).map((i) => `${i.instance}:${i.state}:${i.live}`)).toEqual(['chat-communication-v1-0:running:true', 'chat-communication-v2-0:stopped:false']);
    await counted(1, 'after the rollback');

    // reset v1 (live, members): scaled to 0, offsets to earliest, internal topics deleted, its PVC deleted, scaled back.
    const claimUid = (await adminApi.get<PersistentVolumeClaim>(KINDS.pvc, 'state-chat-communication-v1-0'))?.metadata.uid;
    expect((await runCliForTest(['app', 'reset', 'communication', '--yes'], d, config)).code).toBe(5);
    const reset = await runCliForTest(['app', 'reset', 'communication', '--force', '--yes', '--json'], d, config);
    expect({ code: reset.code, stderr: reset.code === 0 ? '' : reset.stderr }).toEqual({ code: 0, stderr: '' });
    expect(reset.json()).toMatchObject({ wiped: ['persistentvolumeclaim/state-chat-communication-v1-0'] });
    await waitFor(async () => (await d.instances('communication')).some((i) => i.version === 1 && i.state === 'running'), { timeoutMs: 60_000, description: 'v1 scaled back and Ready' });
    const newClaim = await adminApi.get<PersistentVolumeClaim>(KINDS.pvc, 'state-chat-communication-v1-0');
    expect(newClaim?.metadata.uid).toBeDefined();
    expect(newClaim?.metadata.uid).not.toBe(claimUid);
    await counted(1, 'v1 rebuilt from the inputs after the reset (not doubled)');

    // rollback to v2, which is stopped: scaled back up on its kept claim (same PVC), it catches up from its state.
    await write(30);
    const v2Claim = (await adminApi.get<PersistentVolumeClaim>(KINDS.pvc, 'state-chat-communication-v2-0'))?.metadata.uid;
    expect(v2Claim).toBeDefined();
    const again = await runCliForTest(['app', 'rollback', 'communication', '--to-version', '2', '--max-lag', '0', '--timeout', '90s', '--yes', '--json'], d, config);
    expect({ code: again.code, stderr: again.code === 0 ? '' : again.stderr }).toEqual({ code: 0, stderr: '' });
    expect(again.json()).toMatchObject({ from: 1, to: 2, restarted: true });
    expect((await adminApi.get<PersistentVolumeClaim>(KINDS.pvc, 'state-chat-communication-v2-0'))?.metadata.uid).toBe(v2Claim);
    expect(await d.liveVersion('communication')).toBe(2);
    await counted(2, 'v2 restarted from its kept state');
    // the live version is not stopped while another one runs; a version without a Ready pod is not routed to
    await expect(d.stop('communication', 2)).rejects.toThrow(/live version while v1 runs/);
    await expect(d.route('communication', 7)).rejects.toThrow(/no ready pod/);

    // reprocess v2 → v3 with retirement: v2 scaled to 0, its group, internal topics and PVC gone; v1 untouched.
    await write(30);
    const v3 = await runCliForTest(['app', 'reprocess', 'communication', '--to-version', '3', '--max-lag', '0', '--grace', '1s', '--timeout', '90s', '--yes', '--json'], d, config);
    expect({ code: v3.code, stderr: v3.code === 0 ? '' : v3.stderr }).toEqual({ code: 0, stderr: '' });
    expect(v3.json()).toMatchObject({ from: 2, to: 3, retired: true, wiped: ['persistentvolumeclaim/state-chat-communication-v2-0'] });
    expect(await d.liveVersion('communication')).toBe(3);
    expect(counts(3)).toBe(expected());
    expect((await adminApi.get<StatefulSet>(KINDS.statefulSet, 'chat-communication-v2'))?.spec.replicas).toBe(0);
    expect(await adminApi.get(KINDS.pvc, 'state-chat-communication-v2-0')).toBeUndefined();
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(`${applicationId}-v2`);
    expect((await admin.listTopics()).filter((t) => t.startsWith(`${applicationId}-v2-`) && !t.endsWith('-dlq'))).toEqual([]);
    expect((await d.instances('communication')).map((i) => `${i.instance}:${i.state}:${i.live}`)).toEqual(['chat-communication-v1-0:running:false', 'chat-communication-v2:stopped:false', 'chat-communication-v3-0:running:true']);
    expect(rt.started).toEqual(['chat-communication-v1-0@v1', 'chat-communication-v2-0@v2', 'chat-communication-v1-0@v1', 'chat-communication-v2-0@v2', 'chat-communication-v3-0@v3']);

    // the service account cannot do what its Role leaves out
    const cli = new ClientNodeKubeApi(loadKubeAccess({ kubeconfig: path.join(c.dir, 'cli.kubeconfig') }), NS, 30_000);
    try {
      await expect(cli.delete(KINDS.statefulSet, 'chat-communication-v2')).rejects.toMatchObject({ status: 403 });
      await expect(cli.list({ apiVersion: 'v1', kind: 'Secret', plural: 'secrets' })).rejects.toMatchObject({ status: 403 });
    } finally {
      await cli.close();
    }
    // cleanup on the broker
    await admin.deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(topicsNamespace)) }).catch(() => undefined);
  }, 900_000);
});
