import { describe, expect, it } from 'vitest';
import { addressLocation, describeAddress, parseStoreAddress } from './address.ts';
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
});
