import { helmTemplate, k8sTools, run } from './testing/render';

/** Value sets whose renders must all be valid Kubernetes 1.36 objects. */
const valueSets: Record<string, object> = {
  defaults: {},
  'external SASL/TLS Kafka and registry, existing secret': {
    secrets: { existingSecret: 'platform' },
    kafka: { external: { brokers: 'k1:9093,k2:9093', tls: { enabled: true, caSecret: 'kafka-ca' }, sasl: { mechanism: 'plain', username: 'u', existingSecret: 'kafka-user' } } },
    registry: { external: { url: 'https://sr.example/apis/ccompat/v7', username: 'sr', existingSecret: 'sr-user' } },
  },
  'two versions, three Kafka nodes, no HPA, storage class, connector secrets and public URL': {
    storageClassName: 'fast',
    publicUrl: 'https://chat.example.com',
    secrets: { values: { META_APP_SECRET: 'app-secret', TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'token' } },
    kafka: { internal: { replicas: 3 } },
    gateway: { autoscaling: { enabled: false } },
    statefulApps: { admin: { liveVersion: 2, versions: [{ number: 1 }, { number: 2 }] }, meta: { liveVersion: 2, versions: [{ number: 1 }, { number: 2 }], env: { META_APP_ID: '123' } } },
  },
};

describe('every rendered manifest is valid for Kubernetes 1.36 (kubeconform -strict, schemas from its OpenAPI)', () => {
  let tools: ReturnType<typeof k8sTools>;
  beforeAll(() => {
    tools = k8sTools();
  }, 900_000);

  const validate = (manifests: string) =>
    run(tools.kubeconform, ['-strict', '-summary', '-output', 'json', '-schema-location', tools.schemaLocation, '-'], manifests);

  it.each(Object.keys(valueSets))('%s', (name) => {
    const { text, manifests } = helmTemplate(tools.helm, valueSets[name]);
    const result = validate(text);
    expect(result.stderr).toBe('');
    const summary = JSON.parse(result.stdout) as { resources: unknown[]; summary: Record<string, number> };
    // No resource skipped for a missing schema: every kind the chart renders was checked.
    expect(summary.summary).toEqual({ valid: manifests.length, invalid: 0, errors: 0, skipped: 0 });
    expect(result.status).toBe(0);
  });

  it('finds a misspelled field and a malformed quantity (the schemas are strict)', () => {
    const { text } = helmTemplate(tools.helm);
    const broken = text.replace('readinessProbe:', 'readinesProbe:').replace('storage: 5Gi', 'storage: [5]');
    const result = validate(broken);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("additional properties 'readinesProbe' not allowed");
    expect(result.stdout).toMatch(/requests\/storage.*got array/);
  });
});
