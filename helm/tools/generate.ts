/**
 * `nx run helm:generate` writes the chart's topic list (files/topics.generated.json) from topics/.
 * `nx run helm:check-generated` (`--check`) writes nothing and exits 1 when the committed file is stale.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOPICS_FILE, renderTopicsFile } from '../src/topics-file';

function main(): number {
  const file = join(__dirname, '..', TOPICS_FILE);
  const expected = renderTopicsFile();
  if (process.argv.includes('--check')) {
    const actual = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (actual !== expected) {
      console.error(`helm/${TOPICS_FILE} differs from topics/ (run nx run helm:generate)`);
      return 1;
    }
    console.log(`helm/${TOPICS_FILE} is up to date.`);
    return 0;
  }
  writeFileSync(file, expected);
  console.log(`Wrote helm/${TOPICS_FILE}.`);
  return 0;
}

process.exitCode = main();
