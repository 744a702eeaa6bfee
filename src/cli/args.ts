// Small typed helpers over node:util's parseArgs, so that every command reports bad options the same way.
import { parseArgs } from 'node:util';
import { CliError } from './errors.ts';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }>;

export function parseOptions<T extends OptionSpec>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}

export function requireString(value: string | boolean | undefined | (string | boolean)[], name: string): string {
  if (typeof value !== 'string' || value === '') throw new CliError(`--${name} is required`);
  return value;
}

export function parseNumber(value: string, name: string): number {
  // Number('') is 0: an empty item ("0,,1") is a mistake, not a zero.
  const parsed = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed)) throw new CliError(`--${name} must be a number, got '${value}'`);
  return parsed;
}

/** Largest seed: the app's permalinks hold seeds up to 2^31, and seededRandom reads 32 bits. */
export const MAX_SEED = 2 ** 31;

/** A seed: a whole number in [0, 2^31], so that the seed that runs is the seed the output records. */
export function parseSeed(value: string, name: string): number {
  const seed = parseNumber(value, name);
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > MAX_SEED) throw new CliError(`--${name} must be whole numbers from 0 to 2^31, got '${value}'`);
  return seed;
}

export const parseSeedList = (value: string, name: string): number[] => value.split(',').map((part) => parseSeed(part.trim(), name));

/** Parses "a,b,c" into numbers, checking the count. */
export function parseNumberList(value: string, name: string, count?: number): number[] {
  const parts = value.split(',').map((part) => parseNumber(part.trim(), name));
  if (count !== undefined && parts.length !== count) {
    throw new CliError(`--${name} needs ${count} comma-separated numbers, got '${value}'`);
  }
  return parts;
}
