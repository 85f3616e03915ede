// Builds each app under apps/ to one plain-JavaScript file, dist/apps/<name>/main.js, that runs with `node`
// alone: the workspace's own code (libs through the tsconfig path aliases) is bundled by esbuild, every npm
// package stays an external `require` resolved from node_modules (better-sqlite3's native module, kafkajs,
// Nest…). esbuild, as tsx, emits no decorator metadata: the apps inject with explicit @Inject tokens.
// An app is rebuilt only when stale: no bundle yet, or an input recorded in its metafile is newer or gone.
// Files are written to a temporary name and renamed, so concurrent builds (parallel test workers) never
// expose a half-written bundle.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fromRoot } from './paths.mjs';

export const bundlePath = (name) => fromRoot('dist', 'apps', name, 'main.js');
const metaPath = (name) => fromRoot('dist', 'apps', name, 'meta.json');

/** Whether dist/apps/<name>/main.js is missing or older than any file it was built from. */
export function isStale(name) {
  const bundle = bundlePath(name);
  if (!existsSync(bundle) || !existsSync(metaPath(name))) return true;
  const builtAt = statSync(bundle).mtimeMs;
  let meta;
  try {
    meta = JSON.parse(readFileSync(metaPath(name), 'utf8'));
  } catch {
    return true;
  }
  for (const input of Object.keys(meta.inputs ?? {})) {
    const file = fromRoot(input);
    if (!existsSync(file) || statSync(file).mtimeMs > builtAt) return true;
  }
  // The bundling options themselves (tsconfig paths, this script).
  return [fromRoot('tsconfig.base.json'), new URL(import.meta.url).pathname].some((file) => statSync(file).mtimeMs > builtAt);
}

/**
 * main.js, and for an app whose streams topology stream threads can build (apps/<name>/src/streams/thread-topology.ts)
 * the engine's thread entry (thread-main.js, found beside main.js) and that module (streams/thread-topology.js).
 */
function entryPointsOf(name, entry) {
  const threadTopology = fromRoot('apps', name, 'src', 'streams', 'thread-topology.ts');
  if (!existsSync(threadTopology)) return { main: entry };
  return { main: entry, 'thread-main': fromRoot('libs', 'streams', 'src', 'internals', 'threads', 'thread-main.ts'), 'streams/thread-topology': threadTopology };
}

/**
 * Bundles apps/<name>/src/main.ts when stale (or always with `force`).
 * @returns {Promise<{ name: string, built: boolean, bytes: number }>}
 */
export async function buildApp(name, { force = false } = {}) {
  const entry = fromRoot('apps', name, 'src', 'main.ts');
  if (!existsSync(entry)) throw new Error(`apps/${name}/src/main.ts does not exist`);
  const outfile = bundlePath(name);
  if (!force && !isStale(name)) return { name, built: false, bytes: statSync(outfile).size };
  const { build } = await import('esbuild');
  mkdirSync(dirname(outfile), { recursive: true });
  const result = await build({
    absWorkingDir: fromRoot(),
    entryPoints: entryPointsOf(name, entry),
    outdir: dirname(outfile),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    tsconfig: fromRoot('tsconfig.base.json'),
    sourcemap: 'linked',
    keepNames: true,
    metafile: true,
    write: false,
    logLevel: 'warning',
    banner: { js: `// Built from apps/${name}/src/main.ts by infrastructure/bin/lib/build-apps.mjs; do not edit.` },
  });
  const suffix = `.${process.pid}.tmp`;
  const outputs = [...result.outputFiles.map((file) => ({ path: file.path, contents: file.contents })), { path: metaPath(name), contents: JSON.stringify(result.metafile) }];
  for (const output of outputs) {
    mkdirSync(dirname(output.path), { recursive: true });
    writeFileSync(output.path + suffix, output.contents);
  }
  // The bundle last: its mtime is what freshness is measured against.
  for (const output of outputs.filter((o) => o.path !== outfile)) renameSync(output.path + suffix, output.path);
  renameSync(outfile + suffix, outfile);
  return { name, built: true, bytes: statSync(outfile).size };
}
