import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCliConfig } from '../../config';
import { DriverUnavailableError } from '../driver';
import { loadKubeAccess } from './kube-access';
import type { Service, StatefulSet } from './kube-api';
import { cloneService, cloneStatefulSet, versionedName } from './version-objects';

// Unit specs of the Kubernetes driver's pure parts; the driver itself runs against a real API server in
// kubernetes-driver.cluster-spec.ts (opt-in: `npx nx run helm:test-cluster`).

const v1: StatefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: {
    name: 'chat-communication-v1',
    uid: 'u1',
    resourceVersion: '42',
    labels: { 'app.kubernetes.io/name': 'communication', 'app.kubernetes.io/instance': 'chat', 'kafka-chat-platform/version': '1' },
    annotations: { 'meta.helm.sh/release-name': 'chat', 'kafka-chat-platform/replicas-before-stop': '2' },
  },
  spec: {
    replicas: 2,
    serviceName: 'chat-communication-v1-headless',
    selector: { matchLabels: { 'app.kubernetes.io/name': 'communication', 'kafka-chat-platform/version': '1' } },
    template: {
      metadata: { labels: { 'app.kubernetes.io/name': 'communication', 'kafka-chat-platform/version': '1' } },
      spec: {
        initContainers: [{ name: 'wait-for-kafka' }],
        containers: [
          {
            name: 'communication',
            image: 'kafka-chat-platform:0.1.0',
            env: [
              { name: 'APPLICATION_SERVER', value: '$(POD_NAME).chat-communication-v1-headless.chat.svc:3000' },
              { name: 'APP_VERSION', value: '1' },
              { name: 'AUTH_SYSTEM_TOKEN', valueFrom: { secretKeyRef: { name: 'chat-secrets', key: 'AUTH_SYSTEM_TOKEN' } } },
            ],
          },
        ],
      },
    },
    volumeClaimTemplates: [{ metadata: { name: 'state', labels: { 'kafka-chat-platform/version': '1' } }, spec: { resources: { requests: { storage: '5Gi' } } } }],
  },
  status: { replicas: 2, readyReplicas: 2 },
};

describe('version objects', () => {
  it('clones version N into N+1: name, labels, selector, claim template, APP_VERSION, its own headless Service; nothing server-owned', () => {
    const v2 = cloneStatefulSet(v1, 1, 2, { replicas: 1, env: { OUTBOUND_SIDE_EFFECTS: 'off' } });
    expect(v2.metadata).toEqual({
      name: 'chat-communication-v2',
      labels: { 'app.kubernetes.io/name': 'communication', 'app.kubernetes.io/instance': 'chat', 'kafka-chat-platform/version': '2' },
      annotations: { 'meta.helm.sh/release-name': 'chat', 'kafka-chat-platform/cloned-from': 'chat-communication-v1' },
    });
    expect(v2).not.toHaveProperty('status');
    expect(v2.spec.replicas).toBe(1);
    expect(v2.spec.serviceName).toBe('chat-communication-v2-headless');
    expect(v2.spec.selector.matchLabels?.['kafka-chat-platform/version']).toBe('2');
    expect(v2.spec.template.metadata?.labels?.['kafka-chat-platform/version']).toBe('2');
    expect(v2.spec.volumeClaimTemplates?.[0]?.metadata.labels?.['kafka-chat-platform/version']).toBe('2');
    expect(v2.spec.template.spec.containers[0]?.env).toEqual([
      { name: 'APPLICATION_SERVER', value: '$(POD_NAME).chat-communication-v2-headless.chat.svc:3000' },
      { name: 'APP_VERSION', value: '2' },
      { name: 'AUTH_SYSTEM_TOKEN', valueFrom: { secretKeyRef: { name: 'chat-secrets', key: 'AUTH_SYSTEM_TOKEN' } } },
      { name: 'OUTBOUND_SIDE_EFFECTS', value: 'off' },
    ]);
    expect(v2.spec.template.spec.initContainers).toEqual([{ name: 'wait-for-kafka' }]);
    // the template is not modified
    expect(v1.spec.template.spec.containers[0]?.env?.[1]).toEqual({ name: 'APP_VERSION', value: '1' });
  });

  it('refuses objects that are not of the version they are cloned from', () => {
    expect(() => cloneStatefulSet(v1, 3, 4, { replicas: 1 })).toThrow(/does not end with -v3/);
    expect(() => versionedName('chat-kafka', 1, 2)).toThrow(/not a versioned object/);
    expect(versionedName('chat-communication-v12-headless', 12, 13)).toBe('chat-communication-v13-headless');
  });

  it('keeps a headless Service headless and drops the cluster IP of another', () => {
    const headless: Service = { metadata: { name: 'chat-communication-v1-headless', labels: { 'kafka-chat-platform/version': '1' } }, spec: { clusterIP: 'None', clusterIPs: ['None'], selector: { 'kafka-chat-platform/version': '1' } } };
    expect(cloneService(headless, 1, 2).spec).toEqual({ clusterIP: 'None', selector: { 'kafka-chat-platform/version': '2' } });
    const clustered: Service = { ...headless, spec: { clusterIP: '10.0.0.7', clusterIPs: ['10.0.0.7'], selector: { 'kafka-chat-platform/version': '1' } } };
    expect(cloneService(clustered, 1, 2).spec).toEqual({ selector: { 'kafka-chat-platform/version': '2' } });
  });
});

describe('cluster access', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-access-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a kubeconfig: the current or chosen context, inline and file certificates, token file relative to the kubeconfig', () => {
    fs.writeFileSync(path.join(dir, 'ca.crt'), 'CA');
    fs.writeFileSync(path.join(dir, 'token'), 'file-token\n');
    const file = path.join(dir, 'config');
    fs.writeFileSync(
      file,
      [
        'apiVersion: v1', 'kind: Config', 'current-context: a',
        'clusters:', '- name: c1', '  cluster: { server: "https://k8s.example:6443", certificate-authority: ca.crt }',
        '- name: c2', '  cluster: { server: "https://other:443", insecure-skip-tls-verify: true }',
        'users:', '- name: u1', `  user: { client-certificate-data: ${Buffer.from('CERT').toString('base64')}, client-key-data: ${Buffer.from('KEY').toString('base64')} }`,
        '- name: u2', '  user: { tokenFile: token }',
        '- name: u3', '  user: { exec: { command: aws } }',
        '- name: u4', '  user: { auth-provider: { name: gcp } }',
        'contexts:', '- name: a', '  context: { cluster: c1, user: u1, namespace: chat }', '- name: b', '  context: { cluster: c2, user: u2 }', '- name: e', '  context: { cluster: c1, user: u3 }', '- name: p', '  context: { cluster: c1, user: u4 }',
      ].join('\n'),
    );
    const a = loadKubeAccess({ kubeconfig: file });
    expect([a.server.href, a.ca?.toString(), a.cert?.toString(), a.key?.toString(), a.token, a.tokenFile, a.namespace, a.insecureSkipTlsVerify]).toEqual(['https://k8s.example:6443/', 'CA', 'CERT', 'KEY', undefined, undefined, 'chat', false]);
    const b = loadKubeAccess({ kubeconfig: file, context: 'b' });
    expect([b.server.origin, b.tokenFile, b.insecureSkipTlsVerify]).toEqual(['https://other', path.join(dir, 'token'), true]);
    // Exec plugins are handed to the client, which runs them.
    expect(loadKubeAccess({ kubeconfig: file, context: 'e' }).exec).toEqual({ command: 'aws' });
    expect(() => loadKubeAccess({ kubeconfig: file, context: 'p' })).toThrow(/auth provider/);
    expect(() => loadKubeAccess({ kubeconfig: file, context: 'nope' })).toThrow(DriverUnavailableError);
  });

  it('in a pod: the service account token file (re-read by the client), CA and namespace; none at all is DriverUnavailableError', () => {
    const sa = path.join(dir, 'sa');
    fs.mkdirSync(sa);
    fs.writeFileSync(path.join(sa, 'token'), 't1');
    fs.writeFileSync(path.join(sa, 'ca.crt'), 'SA-CA');
    fs.writeFileSync(path.join(sa, 'namespace'), 'chat');
    const access = loadKubeAccess({ inCluster: { host: 'fd00::1', port: '443' } }, sa); // 443 is https' default
    expect([access.server.origin, access.ca?.toString(), access.namespace, access.tokenFile]).toEqual(['https://[fd00::1]', 'SA-CA', 'chat', path.join(sa, 'token')]);
    expect(() => loadKubeAccess({ defaultKubeconfig: path.join(dir, 'missing') })).toThrow(DriverUnavailableError);
  });

  it('config.ts: KUBECONFIG (first path), ~/.kube/config as fallback, in-cluster host, context and release', () => {
    const config = parseCliConfig({ CLI_DRIVER: 'kubernetes', KUBECONFIG: `a.yaml${path.delimiter}b.yaml`, HOME: '/home/op', KUBE_CONTEXT: 'prod', KUBE_RELEASE: 'chat', KUBE_NAMESPACE: 'chat', KUBERNETES_SERVICE_HOST: '10.0.0.1' }, '/work');
    expect(config.kube).toEqual({ kubeconfig: '/work/a.yaml', defaultKubeconfig: '/home/op/.kube/config', context: 'prod', namespace: 'chat', inCluster: { host: '10.0.0.1', port: '443' }, release: 'chat' });
    expect(parseCliConfig({ CLI_DRIVER: 'kubernetes' }, '/work').kube).toEqual({});
  });
});
