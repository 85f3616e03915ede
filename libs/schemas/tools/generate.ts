/**
 * `nx run schemas:generate` writes libs/schemas/src/generated from libs/schemas/avro/*.avsc.
 * `nx run schemas:check-generated` (`--check`) writes nothing and exits 1 when the committed files differ.
 * Both fail on schema lint issues.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_DIR, diffGenerated, generateAll } from './codegen/generate';
import { formatIssues } from './codegen/lint';

function main(): number {
  const check = process.argv.includes('--check');
  const { files, issues } = generateAll();
  if (issues.length > 0) {
    console.error(`Schema lint failed:\n${formatIssues(issues)}`);
    return 1;
  }
  if (check) {
    const problems = diffGenerated(files);
    if (problems.length > 0) {
      console.error(`Generated files differ from the .avsc sources (run nx run schemas:generate):\n${problems.join('\n')}`);
      return 1;
    }
    console.log(`Generated files are up to date (${files.size} files).`);
    return 0;
  }
  mkdirSync(GENERATED_DIR, { recursive: true });
  for (const name of readdirSync(GENERATED_DIR)) {
    if (!files.has(name)) rmSync(join(GENERATED_DIR, name));
  }
  for (const [name, content] of files) writeFileSync(join(GENERATED_DIR, name), content);
  console.log(`Wrote ${files.size} files to ${GENERATED_DIR}.`);
  return 0;
}

process.exitCode = main();
