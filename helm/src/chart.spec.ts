import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Manifest, chartDir, helmTemplate, k8sTools, named, ofKind, run } from './testing/render';

const statefulApps = ['communication', 'admin', 'chatplugin', 'webhooks', 'twilio', 'sources', 'meta'];
/** Env names whose values are secrets: they must come from a Secret (secretKeyRef), never a literal or a ConfigMap. */
const secretEnv = /(TOKEN|SECRET|PASSWORD|_KEYS?|_SID)$/;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Container = any;

let helm: string;
let defaults: Manifest[];

beforeAll(() => {
  helm = k8sTools().helm;
  defaults = helmTemplate(helm).manifests;
}, 900_000);

function podSpec(m: Manifest) {
  return m.spec.template.spec;
}

function allContainers(m: Manifest): Container[] {
  const pod = podSpec(m);
  return [...(pod.initContainers ?? []), ...pod.containers];
}

function env(container: Container): Map<string, Container> {
  return new Map((container.env ?? []).map((e: Container) => [e.name, e]));
}

describe('helm lint', () => {
  it('passes --strict with the default values and with external Kafka (SASL+TLS) and registry', () => {
    const plain = run(helm, ['lint', '--strict', chartDir]);
    expect(plain.stderr + plain.stdout).toContain('0 chart(s) failed');
    expect(plain.status).toBe(0);
    const external = run(helm, [
      'lint', '--strict', chartDir,
      '--set', 'kafka.external.brokers=k1:9093\\,k2:9093', '--set', 'kafka.external.tls.enabled=true',
      '--set', 'kafka.external.sasl.mechanism=scram-sha-512', '--set', 'kafka.external.sasl.username=chat',
      '--set', 'kafka.external.sasl.password=pw', '--set', 'registry.external.url=https://sr.example/apis/ccompat/v7',
    ]);
    expect(external.status).toBe(0);
  });
});

describe('stateful apps', () => {
  it.each(statefulApps)('%s is a StatefulSet with its state dir on a PVC template, a headless Service and a PDB', (app) => {
    const set = named(defaults, 'StatefulSet', `chat-${app}-v1`);
    const [claim] = set.spec.volumeClaimTemplates;
    expect(claim.metadata.name).toBe('state');
    expect(claim.spec.resources.requests.storage).toMatch(/Gi$/);
    const main = podSpec(set).containers[0];
    const stateDir = env(main).get('STATE_DIR').value;
    expect(main.volumeMounts).toContainEqual({ name: 'state', mountPath: stateDir });

    const headless = named(defaults, 'Service', set.spec.serviceName);
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.selector).toEqual(set.spec.selector.matchLabels);
    // Each pod advertises its own stable DNS name for interactive-query routing.
    expect(env(main).get('APPLICATION_SERVER').value).toBe(`$(POD_NAME).${set.spec.serviceName}.chat.svc:${main.ports[0].containerPort}`);
    expect(env(main).get('POD_NAME').valueFrom.fieldRef.fieldPath).toBe('metadata.name');

    const pdb = named(defaults, 'PodDisruptionBudget', `chat-${app}-v1`);
    expect(pdb.spec.selector.matchLabels).toEqual(set.spec.selector.matchLabels);
    expect(podSpec(set).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
  });

  it.each(statefulApps)('%s waits for Kafka, the topics and the registry in init containers and probes /health', (app) => {
    const set = named(defaults, 'StatefulSet', `chat-${app}-v1`);
    const inits = podSpec(set).initContainers as Container[];
    expect(inits.map((c) => c.name)).toEqual(['wait-for-kafka', 'wait-for-topics', 'wait-for-registry']);
    expect(inits.map((c) => c.command.slice(2, 3)[0])).toEqual(['kafka', 'topics', 'registry']);
    const topics = inits[1];
    expect(topics.command[3]).toBe('/etc/platform/topics/topics.json');
    expect(topics.volumeMounts).toContainEqual({ name: 'topics', mountPath: '/etc/platform/topics', readOnly: true });
    for (const init of inits) expect(env(init).get('KAFKA_BROKERS').value).toBe('chat-kafka-0.chat-kafka-headless.chat.svc:9092');

    const main = podSpec(set).containers[0];
    expect(main.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'management' });
    expect(main.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'management' });
    expect(main.ports.map((p: Container) => p.name)).toEqual(['http', 'management']);
    expect(env(main).get('MANAGEMENT_PORT').value).toBe(String(main.ports[1].containerPort));
    expect(main.resources.requests.memory).toBeDefined();
    expect(main.resources.limits.memory).toBeDefined();
  });

  it('every platform pod runs as non-root with a read-only root filesystem and no capabilities', () => {
    const platformPods = [...ofKind(defaults, 'StatefulSet'), ...ofKind(defaults, 'Deployment'), ...ofKind(defaults, 'Job')].filter(
      (m) => m.metadata.labels?.['app.kubernetes.io/name'] !== 'kafka',
    );
    expect(platformPods.length).toBe(statefulApps.length + 2 + 1);
    for (const m of platformPods) {
      expect(podSpec(m).securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(podSpec(m).automountServiceAccountToken).toBe(false);
      for (const c of allContainers(m)) {
        expect({ pod: m.metadata.name, container: c.name, ...c.securityContext }).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        // A read-only root needs a writable /tmp.
        expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      }
    }
  });
});

describe('secrets', () => {
  it('are generated into one Secret kept across upgrades and reach containers only through secretKeyRef', () => {
    const secret = named(defaults, 'Secret', 'chat-secrets');
    expect(secret.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    expect(Object.keys(secret.data ?? {}).sort()).toEqual([
      'AUTH_JWT_SECRET', 'AUTH_SYSTEM_TOKEN', 'CHATPLUGIN_TOKEN_SECRET', 'CREDENTIAL_ENCRYPTION_KEY',
      'META_CREDENTIALS_KEYS', 'META_VERIFY_TOKEN', 'SOURCES_TOKEN_SECRET', 'TWILIO_CREDENTIALS_KEYS',
    ]);
    const values = Object.values(secret.data ?? {}).map((v) => Buffer.from(v, 'base64').toString('utf8'));
    // Random tokens, and the connectors' AES key lists (connectors.spec.ts parses those with the apps' parser).
    for (const v of values) expect(v).toMatch(/^([A-Za-z0-9]{48}|k1:[A-Za-z0-9+/]{43}=)$/);
    // The template reads the Secret already in the cluster before generating (lookup): upgrades keep the values.
    const template = readFileSync(join(chartDir, 'templates', 'secrets.yaml'), 'utf8');
    expect(template).toMatch(/lookup "v1" "Secret" \.Release\.Namespace \$name/);

    const webhooks = env(podSpec(named(defaults, 'StatefulSet', 'chat-webhooks-v1')).containers[0]);
    expect(webhooks.get('WEBHOOKS_ENCRYPTION_KEY').valueFrom.secretKeyRef).toEqual({ name: 'chat-secrets', key: 'CREDENTIAL_ENCRYPTION_KEY' });

    const text = JSON.stringify(ofKind(defaults, 'ConfigMap'));
    for (const v of values) expect(text).not.toContain(v);
    for (const m of [...ofKind(defaults, 'StatefulSet'), ...ofKind(defaults, 'Deployment'), ...ofKind(defaults, 'Job')]) {
      for (const c of allContainers(m)) {
        for (const [name, e] of env(c)) {
          if (secretEnv.test(name)) expect({ name, from: e.valueFrom?.secretKeyRef?.name }).toEqual({ name, from: 'chat-secrets' });
          if (e.value !== undefined) for (const v of values) expect(e.value).not.toContain(v);
        }
      }
    }
  });

  it('no ConfigMap holds a secret: external SASL and registry passwords land in the Secret', () => {
    const { manifests } = helmTemplate(helm, {
      kafka: { external: { brokers: 'k1:9093', tls: { enabled: true, caSecret: 'kafka-ca' }, sasl: { mechanism: 'scram-sha-512', username: 'chat', password: 'sasl-pw-123' } } },
      registry: { external: { url: 'https://sr.example/apis/ccompat/v7', username: 'sr', password: 'sr-pw-456' } },
    });
    expect(ofKind(manifests, 'StatefulSet').map((m) => m.metadata.name).sort()).toEqual(statefulApps.map((app) => `chat-${app}-v1`).sort());
    expect(ofKind(manifests, 'Deployment').map((m) => m.metadata.name)).toEqual(['chat-gateway']);
    const secret = named(manifests, 'Secret', 'chat-secrets');
    expect(Buffer.from(secret.data?.KAFKA_SASL_PASSWORD ?? '', 'base64').toString()).toBe('sasl-pw-123');
    expect(Buffer.from(secret.data?.SCHEMA_REGISTRY_PASSWORD ?? '', 'base64').toString()).toBe('sr-pw-456');
    const visible = JSON.stringify(manifests.filter((m) => m.kind !== 'Secret'));
    expect(visible).not.toContain('sasl-pw-123');
    expect(visible).not.toContain('sr-pw-456');
    const main = podSpec(named(manifests, 'StatefulSet', 'chat-communication-v1')).containers[0];
    const e = env(main);
    expect(e.get('KAFKA_BROKERS').value).toBe('k1:9093');
    expect(e.get('KAFKA_SASL_MECHANISM').value).toBe('scram-sha-512');
    expect(e.get('KAFKA_SASL_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'chat-secrets', key: 'KAFKA_SASL_PASSWORD' });
    expect(e.get('KAFKA_TLS_CA_FILE').value).toBe('/etc/platform/kafka-ca/ca.crt');
    expect(main.volumeMounts).toContainEqual({ name: 'kafka-ca', mountPath: '/etc/platform/kafka-ca', readOnly: true });
    expect(e.get('SCHEMA_REGISTRY_URL').value).toBe('https://sr.example/apis/ccompat/v7');
  });
});

describe('blue/green', () => {
  const twoVersions = { statefulApps: { communication: { liveVersion: 2, versions: [{ number: 1 }, { number: 2, replicas: 1, image: { tag: '0.2.0' } }] } } };

  it('runs two versions side by side, each with its own group (APP_VERSION), labels and PVCs; the client Service selects the live one', () => {
    const { manifests } = helmTemplate(helm, twoVersions);
    const v1 = named(manifests, 'StatefulSet', 'chat-communication-v1');
    const v2 = named(manifests, 'StatefulSet', 'chat-communication-v2');
    expect(env(podSpec(v1).containers[0]).get('APP_VERSION').value).toBe('1');
    expect(env(podSpec(v2).containers[0]).get('APP_VERSION').value).toBe('2');
    expect(v1.spec.template.metadata.labels['kafka-chat-platform/version']).toBe('1');
    expect(v2.spec.template.metadata.labels['kafka-chat-platform/version']).toBe('2');
    expect(v2.spec.replicas).toBe(1);
    expect(podSpec(v2).containers[0].image).toBe('kafka-chat-platform:0.2.0');
    expect(podSpec(v1).containers[0].image).toBe('kafka-chat-platform:0.1.0');
    expect(v1.spec.serviceName).not.toBe(v2.spec.serviceName);
    const client = named(manifests, 'Service', 'chat-communication');
    expect(client.spec.selector).toEqual(v2.spec.selector.matchLabels);
    expect(client.spec.selector).not.toEqual(v1.spec.selector.matchLabels);
    // The gateway reaches the app through its client Service.
    const gateway = podSpec(named(manifests, 'Deployment', 'chat-gateway')).containers[0];
    expect(JSON.parse(env(gateway).get('GATEWAY_ROUTES').value)).toMatchObject({ communication: 'http://chat-communication.chat.svc:3000' });
  });

  it('refuses a live version that is not running and a version listed twice', () => {
    expect(() => helmTemplate(helm, { statefulApps: { admin: { liveVersion: 3 } } })).toThrow(/statefulApps.admin.liveVersion 3 is not one of its versions/);
    expect(() => helmTemplate(helm, { statefulApps: { admin: { versions: [{ number: 1 }, { number: 1 }] } } })).toThrow(/lists version 1 twice/);
  });
});

describe('gateway, registry and Kafka', () => {
  it('the gateway is a Deployment with an HPA; the registry and a KRaft Kafka are part of the chart', () => {
    const hpa = named(defaults, 'HorizontalPodAutoscaler', 'chat-gateway');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'chat-gateway' });
    expect(named(defaults, 'Deployment', 'chat-gateway').spec.replicas).toBeUndefined();
    const registry = podSpec(named(defaults, 'Deployment', 'chat-registry')).containers[0];
    expect(env(registry).get('APICURIO_STORAGE_KIND').value).toBe('kafkasql');
    const kafka = named(defaults, 'StatefulSet', 'chat-kafka');
    expect(kafka.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(env(podSpec(kafka).containers[0]).get('KAFKA_PROCESS_ROLES').value).toBe('broker,controller');
  });

  it('three Kafka replicas form one KRaft quorum with replication factor 3', () => {
    const { manifests } = helmTemplate(helm, { kafka: { internal: { replicas: 3 } } });
    const e = env(podSpec(named(manifests, 'StatefulSet', 'chat-kafka')).containers[0]);
    expect(e.get('KAFKA_CONTROLLER_QUORUM_VOTERS').value.split(',')).toHaveLength(3);
    expect(e.get('KAFKA_DEFAULT_REPLICATION_FACTOR').value).toBe('3');
    const app = env(podSpec(named(manifests, 'StatefulSet', 'chat-admin-v1')).containers[0]);
    expect(app.get('KAFKA_BROKERS').value.split(',')).toHaveLength(3);
  });
});
