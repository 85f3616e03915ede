/**
 * `nx run schemas:compat [--base=<commit>]`: BACKWARD compatibility of every .avsc against its version
 * at the base commit (default HEAD~1). Exits 1 when any schema cannot read data written with the old one.
 */
import { checkAgainstGit } from './codegen/git-compat';

function baseArg(argv: string[]): string {
  const index = argv.findIndex((arg) => arg === '--base' || arg.startsWith('--base='));
  if (index < 0) return 'HEAD~1';
  const arg = argv[index] as string;
  return arg.includes('=') ? arg.slice('--base='.length) : (argv[index + 1] ?? 'HEAD~1');
}

function main(): number {
  const report = checkAgainstGit(baseArg(process.argv.slice(2)));
  if (report.skipped) {
    console.log(`Compatibility check skipped: ${report.skipped}.`);
    return 0;
  }
  for (const file of report.files) console.log(`${file.status.padEnd(12)} ${file.file}: ${file.detail}`);
  const broken = report.files.filter((file) => file.status === 'incompatible');
  if (broken.length > 0) {
    console.error(`${broken.length} schema(s) are not BACKWARD compatible with ${report.base}.`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
