import { usageError } from '../exit-codes';
import type { Values } from './command';

/** A string flag's value, or undefined. */
export function text(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

/** An integer flag within [min, max]; `fallback` when absent. */
export function integer(values: Values, name: string, fallback: number, min: number, max: number): number;
export function integer(values: Values, name: string, fallback: undefined, min: number, max: number): number | undefined;
export function integer(values: Values, name: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const raw = text(values, name);
  if (raw === undefined) return fallback;
  if (!/^[+-]?\d{1,16}$/.test(raw)) throw usageError(`--${name} must be an integer, not "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw usageError(`--${name} must be from ${min} to ${max}, not ${value}`);
  return value;
}

const DURATION = /^(?:(\d{1,7})d)?(?:(\d{1,7})h)?(?:(\d{1,7})m(?!s))?(?:(\d{1,7})s)?(?:(\d{1,7})ms)?$/;

/** `1d2h30m`, `15m`, `90s`, `500ms` → milliseconds; undefined when not a duration. */
export function parseDuration(raw: string): number | undefined {
  if (raw.length === 0 || raw.length > 40) return undefined;
  const m = DURATION.exec(raw);
  if (!m || m.slice(1).every((part) => part === undefined)) return undefined;
  const [d, h, min, s, ms] = m.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number];
  return (((d * 24 + h) * 60 + min) * 60 + s) * 1000 + ms;
}

/** An ISO-8601 date-time (`2026-12-01T10:00:00Z`, `2026-12-01`) or epoch milliseconds → epoch ms. */
export function parseTime(raw: string, now = Date.now()): number | undefined {
  if (/^\d{12,14}$/.test(raw)) return Number(raw);
  if (raw.startsWith('-')) {
    const back = parseDuration(raw.slice(1));
    return back === undefined ? undefined : now - back;
  }
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw)) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `--from-time` / `--to-time` value → epoch ms, or a usage error naming the flag. */
export function timeFlag(values: Values, name: string, now = Date.now()): number | undefined {
  const raw = text(values, name);
  if (raw === undefined) return undefined;
  const ms = parseTime(raw, now);
  if (ms === undefined) throw usageError(`--${name} must be an ISO date-time (2026-12-01T10:00:00Z), epoch ms or -<duration> (-15m, -2h, -1d), not "${raw}"`);
  return ms;
}
