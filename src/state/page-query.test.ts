import { describe, expect, it } from 'vitest';
import { decodableQuery } from './page-query.ts';
import { queryToSettings } from './permalink.ts';

describe('the page query, made decodable before anything reads it', () => {
  it('escapes the % of a part that decodeURIComponent cannot decode, and leaves the rest as it is', () => {
    expect(decodableQuery('?x=1%&level=2')).toBe('?x=1%25&level=2');
    expect(decodableQuery('?colour=%zz&store=%2Fsample%2Fera5.zarr')).toBe('?colour=%25zz&store=%2Fsample%2Fera5.zarr');
    // Escapes that decode to bytes that are not UTF-8 throw too.
    expect(decodableQuery('?x=%C3%28')).toBe('?x=%25C3%2528');
    expect(decodableQuery('?%=1')).toBe('?%25=1');
    expect(decodableQuery('')).toBe('');
    for (const query of ['?x=1%', '?x=%C3%28', '?%=1']) {
      const repaired = decodableQuery(query);
      for (const part of repaired.slice(1).split(/[&=]/)) expect(() => decodeURIComponent(part)).not.toThrow();
    }
  });

  it('leaves the permalink to drop the bad field with a notice and keep the others', () => {
    const { settings, notices } = queryToSettings(decodableQuery('?x=1%&level=2'));
    expect(settings.level).toBe(2);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^Ignored the link field "x" \(1%\)/);
  });
});
