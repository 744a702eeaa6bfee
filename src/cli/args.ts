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
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new CliError(`--${name} must be a number, got '${value}'`);
  return parsed;
}

/** Parses "a,b,c" into numbers, checking the count. */
export function parseNumberList(value: string, name: string, count?: number): number[] {
  const parts = value.split(',').map((part) => parseNumber(part.trim(), name));
  if (count !== undefined && parts.length !== count) {
    throw new CliError(`--${name} needs ${count} comma-separated numbers, got '${value}'`);
  }
  return parts;
}
