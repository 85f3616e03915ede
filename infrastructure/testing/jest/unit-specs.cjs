// Which spec files need no broker ("unit specs"). jest.unit.config.cjs runs only these, e.g. on another Node
// line (infrastructure/bin/test-node24.mjs). A spec needs the broker when
//   - it is named *.broker.spec.ts or *.e2e.spec.ts, or
//   - it, or a file it imports through relative paths (followed transitively: __fixtures__ harnesses), imports
//     a broker helper of @platform/testing (kafkaBrokers, registryUrl, newKafka, createTopic) or its env/kafka
//     modules, reads process.env.KAFKA_BROKERS / SCHEMA_REGISTRY_URL, or loads the stack (bin/lib/stack.mjs).
// The unit run also has no KAFKA_BROKERS and no global setup, so a spec misjudged here fails loudly
// ("KAFKA_BROKERS is not set") instead of silently starting a broker.
const { existsSync, readFileSync, readdirSync } = require('node:fs');
const path = require('node:path');

const BROKER_HELPERS = new Set(['kafkaBrokers', 'registryUrl', 'newKafka', 'createTopic']);
const BROKER_NAMED = /\.(broker|e2e)\.spec\.ts$/;
const testingSrc = path.join(__dirname, '..', 'src');

function importsOf(source) {
  const found = [];
  const re = /(?:import|export)\s+(?:type\s+)?([\s\S]*?)\s+from\s+['"]([^'"]+)['"]|import\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) {
    if (m[2]) found.push({ clause: m[1], from: m[2] });
    else found.push({ clause: '', from: m[3] ?? m[4] ?? m[5] });
  }
  return found;
}

function resolveRelative(fromFile, spec) {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.cjs`, `${base}.mjs`, `${base}.js`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && !candidate.endsWith(path.sep) && path.extname(candidate)) return candidate;
  }
  return undefined;
}

/** The reason `file` (or what it imports) needs the broker, or undefined. */
function brokerReason(file, seen = new Set()) {
  if (seen.has(file)) return undefined;
  seen.add(file);
  if (BROKER_NAMED.test(file)) return 'named *.broker/*.e2e.spec.ts';
  const source = readFileSync(file, 'utf8');
  if (/process\.env\.(KAFKA_BROKERS|SCHEMA_REGISTRY_URL)\b/.test(source)) return 'reads KAFKA_BROKERS / SCHEMA_REGISTRY_URL';
  for (const { clause, from } of importsOf(source)) {
    if (from === '@platform/testing') {
      const names = [...clause.matchAll(/\b([A-Za-z_$][\w$]*)\b/g)].map((n) => n[1]);
      const helper = names.find((n) => BROKER_HELPERS.has(n));
      // a namespace or default import of the whole module counts as broker use
      if (helper || /\*/.test(clause)) return `uses ${helper ?? '@platform/testing'}`;
      continue;
    }
    if (/(^|\/)stack\.mjs$/.test(from)) return 'loads the stack';
    if (!from.startsWith('.')) continue;
    const target = resolveRelative(file, from);
    if (!target) continue;
    if (target === path.join(testingSrc, 'env.ts') || target === path.join(testingSrc, 'kafka.ts')) return `imports ${from}`;
    const inner = brokerReason(target, seen);
    if (inner) return `${path.basename(target)}: ${inner}`;
  }
  return undefined;
}

function specFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...specFiles(full));
    else if (entry.name.endsWith('.spec.ts')) out.push(full);
  }
  return out.sort();
}

/** `{ unit, broker }` spec files of one project directory; `broker` maps a file to why it needs the broker. */
function classifySpecs(projectDir) {
  const unit = [];
  const broker = new Map();
  for (const file of specFiles(projectDir)) {
    const reason = brokerReason(file);
    if (reason) broker.set(file, reason);
    else unit.push(file);
  }
  return { unit, broker };
}

// Projects that can hold unit specs. e2e runs apps as processes against a broker: nothing in it is a unit spec.
const workspace = path.join(__dirname, '..', '..', '..');
const unitProjectDirs = ['apps', 'libs', 'infrastructure']
  .flatMap((top) => readdirSync(path.join(workspace, top)).map((name) => path.join(workspace, top, name)))
  .concat(path.join(workspace, 'topics'))
  .filter((dir) => existsSync(path.join(dir, 'jest.config.cjs')))
  .sort();

module.exports = { classifySpecs, brokerReason, unitProjectDirs };

if (require.main === module) {
  // `node infrastructure/testing/jest/unit-specs.cjs [--broker]`: lists the unit (or broker) specs.
  for (const dir of unitProjectDirs) {
    const { unit, broker } = classifySpecs(dir);
    if (process.argv.includes('--broker')) for (const [f, why] of broker) console.log(`${path.relative(workspace, f)}  (${why})`);
    else for (const f of unit) console.log(path.relative(workspace, f));
  }
}
