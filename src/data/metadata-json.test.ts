import { describe, expect, it } from 'vitest';
import { metadataNumber, parseMetadataJson, stringifyMetadataJson } from './metadata-json.ts';

describe('metadata JSON as zarr-python writes it', () => {
  it('reads bare NaN, Infinity and -Infinity as numbers, and leaves the words inside strings alone', () => {
    // The text of a .zattrs that zarr-python 2.13 wrote (json.dumps, indent 4, sort_keys) for float attributes.
    const text = '{\n    "_FillValue": NaN,\n    "long_name": "NaN count, -Infinity \\"NaN\\"",\n    "valid_max": Infinity,\n    "valid_min": -Infinity,\n    "levels": [NaN, 1.5e-3]\n}';
    const parsed = parseMetadataJson(text) as Record<string, unknown>;
    expect(parsed._FillValue).toBeNaN();
    expect(parsed.valid_max).toBe(Number.POSITIVE_INFINITY);
    expect(parsed.valid_min).toBe(Number.NEGATIVE_INFINITY);
    expect(parsed.long_name).toBe('NaN count, -Infinity "NaN"');
    expect(parsed.levels).toEqual([Number.NaN, 0.0015]);
  });

  it('still refuses what is not JSON', () => {
    expect(() => parseMetadataJson('<!doctype html>')).toThrow(SyntaxError);
    expect(() => parseMetadataJson('{"a": NaNa}')).toThrow(SyntaxError);
  });

  it('writes non-finite numbers as the strings of the Zarr specs, which read back as numbers', () => {
    const text = stringifyMetadataJson({ fill_value: Number.NaN, max: Number.POSITIVE_INFINITY, min: Number.NEGATIVE_INFINITY, n: 2 });
    expect(JSON.parse(text)).toEqual({ fill_value: 'NaN', max: 'Infinity', min: '-Infinity', n: 2 });
    expect(metadataNumber('NaN')).toBeNaN();
    expect(metadataNumber('-Infinity')).toBe(Number.NEGATIVE_INFINITY);
    expect(metadataNumber(3)).toBe(3);
    expect(metadataNumber('3')).toBeUndefined();
  });
});
