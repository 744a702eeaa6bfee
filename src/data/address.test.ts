import { describe, expect, it } from 'vitest';
import { addressLocation, authorizationHeader, describeAddress, isSitePath, parseStoreAddress } from './address.ts';
import { redactText, redactUrl } from './redact.ts';
import { StoreAddressError } from './errors.ts';

const PAGE = { pageUrl: 'http://localhost:5173/index.html?x=1' };

describe('store addresses', () => {
  it('reads gs:// as the Google Cloud Storage https URL, in the browser and the CLI alike', () => {
    const typed = 'gs://aurora-encoder-storage/encoder_embedding_20240713_20241821.zarr';
    for (const address of [parseStoreAddress(typed, PAGE), parseStoreAddress(typed, 'filesystem')]) {
      expect(address).toEqual({
        kind: 'http',
        url: 'https://storage.googleapis.com/aurora-encoder-storage/encoder_embedding_20240713_20241821.zarr',
        scheme: 'gs',
        typed,
      });
    }
    expect(describeAddress(parseStoreAddress(typed, PAGE))).toBe(
      `${typed} (read as https://storage.googleapis.com/aurora-encoder-storage/encoder_embedding_20240713_20241821.zarr)`,
    );
  });

  it('reads s3:// as the bucket’s public endpoint (path style for dotted bucket names)', () => {
    expect(parseStoreAddress('s3://era5-pds/zarr/2020/', 'filesystem')).toMatchObject({ kind: 'http', url: 'https://era5-pds.s3.amazonaws.com/zarr/2020' });
    expect(parseStoreAddress('s3://my.bucket/a b.zarr', PAGE).url).toBe('https://s3.amazonaws.com/my.bucket/a%20b.zarr');
  });

  it('keeps http(s) URLs, and resolves a path against the page in the browser', () => {
    expect(parseStoreAddress(' https://example.org/era5.zarr ', PAGE)).toMatchObject({ url: 'https://example.org/era5.zarr', scheme: 'https' });
    expect(parseStoreAddress('/sample/era5-sample.zarr', PAGE)).toMatchObject({ kind: 'http', url: 'http://localhost:5173/sample/era5-sample.zarr', scheme: 'path' });
  });

  it('is a local directory in the CLI: a path or a file:// URL', () => {
    expect(parseStoreAddress('test/fixtures/x.zarr', 'filesystem')).toEqual({ kind: 'local', path: 'test/fixtures/x.zarr', scheme: 'path', typed: 'test/fixtures/x.zarr' });
    expect(addressLocation(parseStoreAddress('file:///data/my%20store.zarr', 'filesystem'))).toBe('/data/my store.zarr');
    expect(parseStoreAddress('C:\\data\\x.zarr', 'filesystem').kind).toBe('local');
  });

  it('refuses what is not an address, naming the problem and the forms that work', () => {
    const refused = (text: string, context: Parameters<typeof parseStoreAddress>[1] = PAGE) => {
      try {
        parseStoreAddress(text, context);
      } catch (error) {
        expect(error).toBeInstanceOf(StoreAddressError);
        return (error as StoreAddressError).message;
      }
      throw new Error(`'${text}' was accepted`);
    };
    expect(refused('  ')).toMatch(/is empty.*gs:\/\/BUCKET\/PATH/);
    expect(refused('ftp://example.org/x.zarr')).toMatch(/'ftp:' is not a store address/);
    expect(refused('javascript:alert(1)')).toMatch(/'javascript:'/);
    expect(refused('gs://')).toMatch(/'' is not a bucket name/);
    expect(refused('s3://Bad_Bucket/x')).toMatch(/not a bucket name/);
    expect(refused('file:///data/x.zarr')).toMatch(/web page cannot read.*Serve the folder/);
    expect(refused('https://')).toMatch(/not a valid URL/);
  });

  it("takes user:password@ out of an http(s) URL (Earth Data Hub's https://edh:TOKEN@...) as credentials, shown nowhere", () => {
    const typed = 'https://edh:s3cr%2Ft-t0ken@data.earthdatahub.destine.eu/era5/reanalysis-era5-single-levels-v0.zarr';
    const address = parseStoreAddress(typed, 'filesystem');
    const bare = 'https://data.earthdatahub.destine.eu/era5/reanalysis-era5-single-levels-v0.zarr';
    expect(address).toEqual({ kind: 'http', url: bare, scheme: 'https', typed: bare, credentials: { kind: 'basic', user: 'edh', password: 's3cr/t-t0ken' } });
    expect(describeAddress(address)).toBe(bare);
    if (address.kind !== 'http' || !address.credentials) throw new Error('expected credentials');
    expect(authorizationHeader(address.credentials)).toBe(`Basic ${Buffer.from('edh:s3cr/t-t0ken').toString('base64')}`);
    expect(authorizationHeader({ kind: 'bearer', token: 'abc' })).toBe('Bearer abc');
    // A mistake in such an address is named without the token.
    expect(() => parseStoreAddress('https://edh:s3cr3t@', 'filesystem')).toThrow(StoreAddressError);
    try {
      parseStoreAddress('https://edh:s3cr3t@', 'filesystem');
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cr3t');
    }
  });

  it('redacts credentials from URLs and from any text quoting them', () => {
    expect(redactUrl('https://edh:t0k@host/x.zarr?X-Amz-Signature=abc123&region=eu&token=zzz')).toBe('https://host/x.zarr?X-Amz-Signature=REDACTED&region=eu&token=REDACTED');
    expect(redactText('Request cannot be constructed from a URL that includes credentials: https://edh:t0k@host/x.zarr/.zmetadata')).toBe(
      'Request cannot be constructed from a URL that includes credentials: https://host/x.zarr/.zmetadata',
    );
  });
});

describe('paths on this site', () => {
  it('are paths only while a browser reads them on this site', () => {
    expect(isSitePath('/sample/era5-sample.zarr')).toBe(true);
    expect(isSitePath('/%2F%2Fevil.example/x.zarr')).toBe(true);
    for (const elsewhere of ['/\\127.0.0.1:8123/x.zarr', '//127.0.0.1/x.zarr', '/\t/evil.example/x', '\\/evil.example/x', 'sample/x.zarr', 'http://x/y']) {
      expect(isSitePath(elsewhere), elsewhere).toBe(false);
    }
  });

  it('refuses an address without a scheme that a browser reads on another site, naming that site', () => {
    expect(() => parseStoreAddress('/\\127.0.0.1:8123/era5.zarr', PAGE)).toThrow(/a browser reads it as http:\/\/127\.0\.0\.1:8123\/era5\.zarr on 127\.0\.0\.1:8123/);
    expect(() => parseStoreAddress('//evil.example/x.zarr', PAGE)).toThrow(StoreAddressError);
  });
});
