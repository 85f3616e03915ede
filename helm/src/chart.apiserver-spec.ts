import { parseAllDocuments } from 'yaml';
import { ApiServer, startApiServer } from './testing/apiserver';
import { Manifest, chartDir, k8sTools, run } from './testing/render';

// Opt-in (`npx nx run helm:test-apiserver`, not part of `npm test`: a cold kube-apiserver build takes 10–25 min):
// the chart installed into a real kube-apiserver + etcd. The server validates and stores every object; the
// release's Secret survives upgrades and uninstall; blue/green switches the client Service.
describe('the chart against a real kube-apiserver', () => {
  let helm: string;
  let server: ApiServer;

  beforeAll(async () => {
    helm = k8sTools().helm;
    server = await startApiServer(helm);
  }, 1_800_000);

  afterAll(async () => {
    await server?.stop();
  });

  const helmIn = (...args: string[]) => {
    const result = run(helm, [...args, '--kubeconfig', server.kubeconfig, '--namespace', 'chat']);
    if (result.status !== 0) throw new Error(`helm ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  const releaseManifests = (revision: number): Manifest[] =>
    parseAllDocuments(helmIn('get', 'manifest', 'chat', '--revision', String(revision)))
      .map((doc) => doc.toJS() as Manifest | null)
      .filter((m): m is Manifest => m !== null);
  const secretData = (revision: number) => releaseManifests(revision).find((m) => m.kind === 'Secret')?.data;

  it('installs (every object accepted by the server), keeps its generated secrets across upgrades, switches the live version', () => {
    helmIn('install', 'chat', chartDir, '--create-namespace', '--wait=false');
    const installed = releaseManifests(1);
    expect(installed.filter((m) => m.kind === 'StatefulSet').map((m) => m.metadata.name).sort()).toEqual([
      'chat-admin-v1', 'chat-chatplugin-v1', 'chat-communication-v1', 'chat-kafka', 'chat-meta-v1', 'chat-sources-v1', 'chat-twilio-v1', 'chat-webhooks-v1',
    ]);
    const first = secretData(1);
    expect(Object.keys(first ?? {})).toHaveLength(8);

    helmIn(
      'upgrade', 'chat', chartDir, '--set', 'statefulApps.communication.liveVersion=2', '--set', 'statefulApps.communication.versions[0].number=1', '--set', 'statefulApps.communication.versions[1].number=2',
      '--set', 'secrets.values.META_APP_SECRET=meta-app-secret',
    );
    // The upgrade read the Secret back from the server (lookup) instead of generating new values; a given value is added.
    expect(secretData(2)).toEqual({ ...first, META_APP_SECRET: Buffer.from('meta-app-secret').toString('base64') });
    const upgraded = releaseManifests(2);
    expect(upgraded.filter((m) => m.kind === 'StatefulSet').map((m) => m.metadata.name)).toEqual(expect.arrayContaining(['chat-communication-v1', 'chat-communication-v2']));
    const client = upgraded.find((m) => m.kind === 'Service' && m.metadata.name === 'chat-communication');
    expect(client?.spec.selector['kafka-chat-platform/version']).toBe('2');

    helmIn('uninstall', 'chat');
    // resource-policy keep: a reinstall finds the same secrets.
    helmIn('install', 'chat', chartDir, '--wait=false');
    // The provider's app secret, given once, is kept too.
    expect(secretData(1)).toEqual({ ...first, META_APP_SECRET: Buffer.from('meta-app-secret').toString('base64') });
  });
});
