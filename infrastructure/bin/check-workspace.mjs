#!/usr/bin/env node
// Workspace hygiene checked in CI: every Nx project carries a `scope:` and a `type:` tag (module boundaries
// depend on them) and the standard targets build, typecheck, lint and test.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root } from './lib/paths.mjs';

const required = ['build', 'typecheck', 'lint', 'test'];
const problems = [];
const seen = [];

function visit(dir, depth) {
  if (depth > 3) return;
  const file = join(dir, 'project.json');
  if (existsSync(file)) {
    const project = JSON.parse(readFileSync(file, 'utf8'));
    const where = relative(root, file);
    seen.push(project.name);
    const tags = project.tags ?? [];
    if (!tags.some((t) => t.startsWith('scope:'))) problems.push(`${where}: no scope: tag`);
    if (!tags.some((t) => t.startsWith('type:'))) problems.push(`${where}: no type: tag`);
    for (const target of required) {
      if (!project.targets?.[target]) problems.push(`${where}: no "${target}" target`);
    }
  }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !['node_modules', 'dist', 'src'].includes(entry.name) && !entry.name.startsWith('.')) {
      visit(join(dir, entry.name), depth + 1);
    }
  }
}

for (const top of ['apps', 'libs', 'topics', 'infrastructure', 'e2e']) {
  if (existsSync(join(root, top))) visit(join(root, top), 0);
}
if (problems.length > 0) {
  for (const p of problems) console.error(`error: ${p}`);
  process.exit(1);
}
console.log(`workspace: ${seen.length} projects, all tagged with scope: and type:, all with ${required.join('/')}`);
