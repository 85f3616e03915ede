// Command-line flags of the bin scripts, parsed one way: node:util parseArgs, strict. `--flag value` and
// `--flag=value` are the same; an unknown flag, a missing value or a stray argument prints the error and the
// usage and exits 2; `--help` / `-h` prints the usage and exits 0.
import { parseArgs } from 'node:util';

/**
 * @param {string} usage one or more lines starting with "usage: "
 * @param {Record<string, { type: 'string' | 'boolean', short?: string }>} options parseArgs options (without help)
 * @param {string[]} [args] default: process.argv.slice(2)
 * @returns {Record<string, string | boolean | undefined>} the parsed values
 */
export function parseFlags(usage, options, args = process.argv.slice(2)) {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}
