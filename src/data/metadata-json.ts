// Zarr metadata as zarr-python writes it: JSON, except that Python's json module writes non-finite
// floats as the bare words NaN, Infinity and -Infinity (e.g. `"_FillValue": NaN` in .zattrs), which
// JSON.parse refuses. This module reads them, and writes metadata back in the form the Zarr specs
// and zarrita read: non-finite numbers as the strings "NaN", "Infinity" and "-Infinity".

const NON_FINITE_WORDS = ['-Infinity', 'Infinity', 'NaN'] as const;
type NonFiniteWord = (typeof NON_FINITE_WORDS)[number];
const VALUE_OF: Record<NonFiniteWord, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };
/** Stands for a bare word while JSON.parse runs: a string no JSON document of ours can hold (a NUL first). */
const MARK = '\u0000zarr-non-finite:';

/** Parses metadata JSON, reading bare NaN, Infinity and -Infinity as numbers; throws SyntaxError otherwise. */
export function parseMetadataJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const marked = markBareWords(text);
    if (marked === text) throw error;
    return JSON.parse(marked, (_key, value: unknown) =>
      typeof value === 'string' && value.startsWith(MARK) ? VALUE_OF[value.slice(MARK.length) as NonFiniteWord] : value,
    );
  }
}

/** Writes metadata as strict JSON, non-finite numbers as "NaN", "Infinity" or "-Infinity" (the Zarr specs' form). */
export function stringifyMetadataJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' && !Number.isFinite(item) ? nonFiniteWord(item) : item));
}

/**
 * A number in metadata: a JSON number, or the string form of a non-finite one ("NaN", as fill values
 * and attributes written by stringifyMetadataJson or by the specs hold them); undefined otherwise.
 */
export function metadataNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value in VALUE_OF) return VALUE_OF[value as NonFiniteWord];
  return undefined;
}

function nonFiniteWord(value: number): NonFiniteWord {
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

/** Replaces the bare words outside strings by marked strings; leaves strings (and everything else) as they are. */
function markBareWords(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '"') {
      const end = endOfString(text, i);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const word = NON_FINITE_WORDS.find((candidate) => text.startsWith(candidate, i) && !isWordCharacter(text[i + candidate.length]) && !isWordCharacter(text[i - 1]));
    if (word) {
      out += JSON.stringify(MARK + word);
      i += word.length;
      continue;
    }
    out += char;
    i += 1;
  }
  return out;
}

/** Index just after the string literal opening at `start` (or the text's end when it is not closed). */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === '"') return i + 1;
    else i += 1;
  }
  return text.length;
}

function isWordCharacter(char: string | undefined): boolean {
  return char !== undefined && /[A-Za-z0-9_.]/.test(char);
}
