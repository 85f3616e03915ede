import { Manifest, helmTemplate, k8sTools, named, ofKind } from './testing/render';

// The operations CLI's ServiceAccount, Role and RoleBinding (templates/cli-rbac.yaml). That the Role is enough
// for the Kubernetes driver is shown by apps/cli's cluster spec, which runs the driver with this account's token
// against a real API server with RBAC (`npx nx run helm:test-cluster`); here: that it grants nothing more.

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

let helm: string;
let manifests: Manifest[];

beforeAll(() => {
  helm = k8sTools().helm;
  manifests = helmTemplate(helm).manifests;
}, 900_000);

const grants = (rules: Rule[]) => rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g || 'core'}/${res}:${v}`)))).sort();

describe('the CLI service account (RBAC)', () => {
  it('is bound to a namespaced Role granting exactly the verbs the Kubernetes driver calls', () => {
    const account = named(manifests, 'ServiceAccount', 'chat-cli');
    expect(account.metadata.labels?.['app.kubernetes.io/name']).toBe('cli');
    const role = named(manifests, 'Role', 'chat-cli') as Manifest & { rules: Rule[] };
    expect(grants(role.rules)).toEqual([
      'apps/statefulsets:create', 'apps/statefulsets:get', 'apps/statefulsets:list', 'apps/statefulsets:patch',
      'core/persistentvolumeclaims:delete', 'core/persistentvolumeclaims:list',
      'core/pods:list',
      'core/services:create', 'core/services:get', 'core/services:list', 'core/services:patch',
      'policy/poddisruptionbudgets:create', 'policy/poddisruptionbudgets:get',
    ]);
    const binding = named(manifests, 'RoleBinding', 'chat-cli') as Manifest & { roleRef: { kind: string; name: string }; subjects: { kind: string; name: string; namespace: string }[] };
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'chat-cli' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'chat-cli', namespace: 'chat' }]);
  });

  it('grants nothing cluster-wide, no wildcard, no Secrets, no delete of workloads or Services', () => {
    expect(ofKind(manifests, 'ClusterRole')).toEqual([]);
    expect(ofKind(manifests, 'ClusterRoleBinding')).toEqual([]);
    const rules = ofKind(manifests, 'Role').flatMap((r) => (r as Manifest & { rules: Rule[] }).rules);
    const all = grants(rules);
    expect(all.filter((g) => g.includes('*'))).toEqual([]);
    expect(all.filter((g) => /secrets|configmaps/.test(g))).toEqual([]);
    expect(all.filter((g) => /(statefulsets|services|deployments|pods):delete/.test(g))).toEqual([]);
  });

  it('is not rendered with cli.rbac.create=false', () => {
    const without = helmTemplate(helm, { cli: { rbac: { create: false } } }).manifests;
    expect(without.filter((m) => m.metadata.name === 'chat-cli')).toEqual([]);
  });
});
