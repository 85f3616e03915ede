import type { CliContext } from '../context';
import { refused } from '../exit-codes';
import type { Values } from './command';
import { flag } from './values';

/**
 * After a plan is printed: `--dry-run` stops here (false), `--yes` goes on, otherwise the terminal is asked
 * and a "no" (or no terminal) refuses with exit 5.
 */
export async function confirmPlan(ctx: CliContext, values: Values, question: string): Promise<boolean> {
  if (flag(values, 'dry-run')) return false;
  if (flag(values, 'yes')) return true;
  if (ctx.out.json) throw refused('--json needs --yes (or --dry-run): there is no one to ask');
  if (await ctx.out.confirm(question)) return true;
  throw refused('not confirmed: nothing was changed (pass --yes to skip the question)');
}

export const planFlags = { 'dry-run': { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } } as const;
