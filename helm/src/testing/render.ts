/**
 * Spec helpers: the real helm and kubeconform, built from their Go modules by infrastructure/bin/k8s-tools.mjs
 * (cached under PLATFORM_CACHE_DIR/go-bin; CI builds them before `npm test`, a local first run builds them here).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { cacheDirFromEnv } from '@platform/infra-kafka';

export const workspaceRoot = join(__dirname, '..', '..', '..');
export const chartDir = join(workspaceRoot, 'helm', 'charts', 'kafka-chat-platform');

/**
 * Builds helm and kubeconform and writes kubeconform's schemas (from Kubernetes' OpenAPI) when missing — a no-op
 * when cached — and returns their paths and the `-schema-location` template.
 */
export function k8sTools(): { helm: string; kubeconform: string; schemaLocation: string } {
  const result = spawnSync(process.execPath, [join(workspaceRoot, 'infrastructure', 'bin', 'k8s-tools.mjs')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`k8s-tools.mjs failed:\n${result.stdout}\n${result.stderr}`);
  const bin = join(cacheDirFromEnv(process.env), 'go-bin');
  const schemaLocation = /^schemas: (.+)$/m.exec(result.stdout)?.[1];
  if (!schemaLocation) throw new Error(`k8s-tools.mjs printed no schema location:\n${result.stdout}`);
  return { helm: join(bin, 'helm'), kubeconform: join(bin, 'kubeconform'), schemaLocation };
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // Manifests are checked structurally by the specs.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(exe: string, args: readonly string[], input?: string): Run {
  const result = spawnSync(exe, args, { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `helm template` with values given as a YAML/JSON object; throws with helm's message on failure. */
export function helmTemplate(helm: string, values: object = {}, extraArgs: readonly string[] = []): { text: string; manifests: Manifest[] } {
  const dir = mkdtempSync(join(tmpdir(), 'helm-values-'));
  try {
    const file = join(dir, 'values.json');
    writeFileSync(file, JSON.stringify(values));
    const result = run(helm, ['template', 'chat', chartDir, '--namespace', 'chat', '-f', file, ...extraArgs]);
    if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr.trim()}`);
    const manifests = parseAllDocuments(result.stdout)
      .map((doc) => doc.toJS() as Manifest | null)
      .filter((m): m is Manifest => m !== null);
    return { text: result.stdout, manifests };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const ofKind = (manifests: readonly Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);
export const named = (manifests: readonly Manifest[], kind: string, name: string) => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found;
};
