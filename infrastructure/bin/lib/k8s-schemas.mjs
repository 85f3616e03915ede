// JSON schemas for kubeconform from the OpenAPI document of a real Kubernetes API server: k8s.io/kubernetes
// ships the OpenAPI v2 document its kube-apiserver serves at /openapi/v2 as api/openapi-spec/swagger.json
// (regenerated from the server by hack/update-openapi-spec.sh), and the module comes from the Go module proxy
// (`go mod download`, ~20 MB). One file per kind in kubeconform's naming (`statefulset-apps-v1.json`,
// `service-v1.json`), each self-contained: the kind's definition plus every definition it references under
// `definitions` (recursive ones such as JSONSchemaProps stay references). Strict like kubeconform's
// "-standalone-strict" schemas: an object with declared properties accepts no other property.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { platformCacheDir } from './k8s-tools.mjs';

export const kubernetesVersion = 'v1.36.3';

const refPrefix = '#/definitions/';

/** kubeconform's file name of a kind: lower-case kind, `-<first group label>` unless core, `-<version>`. */
export function schemaFileName(group, version, kind) {
  const suffix = group ? `-${group.split('.')[0].toLowerCase()}-${version.toLowerCase()}` : `-${version.toLowerCase()}`;
  return `${kind.toLowerCase()}${suffix}.json`;
}

/** A swagger definition made a JSON schema the way kubeconform expects (int-or-string, quantities, strictness). */
function convert(node, name) {
  if (Array.isArray(node)) return node.map((n) => convert(n));
  if (node === null || typeof node !== 'object') return node;
  if (node.format === 'int-or-string') return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') return { oneOf: [{ type: 'string' }, { type: 'number' }] };
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'x-kubernetes-group-version-kind' || key.startsWith('x-kubernetes-')) continue;
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value).map(([p, v]) => [p, convert(v)])) : convert(value);
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function referenced(node, into) {
  if (Array.isArray(node)) for (const n of node) referenced(n, into);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(refPrefix)) into.add(value.slice(refPrefix.length));
      else referenced(value, into);
    }
  }
}

/** Writes one schema per kind of `swagger` into `dir`; returns how many. Pure apart from the writes. */
export function writeSchemas(swagger, dir) {
  const defs = swagger.definitions;
  const converted = new Map();
  const get = (name) => {
    if (!converted.has(name)) converted.set(name, convert(defs[name], name));
    return converted.get(name);
  };
  let count = 0;
  for (const [name, def] of Object.entries(defs)) {
    const gvks = def['x-kubernetes-group-version-kind'];
    if (!Array.isArray(gvks) || gvks.length !== 1) continue;
    const [{ group, version, kind }] = gvks;
    const needed = new Set();
    const queue = [name];
    while (queue.length > 0) {
      const next = queue.pop();
      const found = new Set();
      referenced(defs[next], found);
      for (const ref of found) if (!needed.has(ref) && ref !== name) (needed.add(ref), queue.push(ref));
    }
    const schema = { $schema: 'http://json-schema.org/draft-04/schema#', ...get(name), definitions: {} };
    for (const ref of [...needed].sort()) schema.definitions[ref] = get(ref);
    writeFileSync(join(dir, schemaFileName(group, version, kind)), JSON.stringify(schema));
    count += 1;
  }
  return count;
}

/**
 * The schema directory for kubernetesVersion (cached under PLATFORM_CACHE_DIR/k8s-schemas-<version>); fetches the
 * k8s.io/kubernetes module with `go mod download` when missing. Returns the directory and kubeconform's
 * -schema-location template for it.
 */
export function ensureK8sSchemas({ env = process.env, log = console.log } = {}) {
  const cache = platformCacheDir(env);
  const dir = join(cache, `k8s-schemas-${kubernetesVersion}`);
  const location = join(dir, '{{ .ResourceKind }}{{ .KindSuffix }}.json');
  if (existsSync(join(dir, '.complete'))) return { dir, location };
  const goEnv = { ...env, GOMODCACHE: env.GOMODCACHE || join(cache, 'go-mod'), GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
  const started = Date.now();
  log(`[k8s-tools] go mod download k8s.io/kubernetes@${kubernetesVersion} (its api/openapi-spec/swagger.json)`);
  const result = spawnSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${kubernetesVersion}`], { env: goEnv, encoding: 'utf8', cwd: cache });
  if (result.error) throw new Error(`go is needed to fetch the Kubernetes OpenAPI document (${result.error.message})`);
  if (result.status !== 0) throw new Error(`go mod download k8s.io/kubernetes@${kubernetesVersion} failed: ${result.stderr || result.stdout}`);
  const moduleDir = JSON.parse(result.stdout).Dir;
  const swagger = JSON.parse(readFileSync(join(moduleDir, 'api', 'openapi-spec', 'swagger.json'), 'utf8'));
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const count = writeSchemas(swagger, staging);
  writeFileSync(join(staging, '.complete'), `${kubernetesVersion} ${count}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  log(`[k8s-tools] ${count} kubeconform schemas from Kubernetes ${kubernetesVersion}'s OpenAPI in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { dir, location };
}
