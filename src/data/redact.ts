// The one place where an address is made fit for a message, a log, a progress line, a permalink or a
// cache key: every URL the product names goes through redactUrl first, so a credential in it is never
// shown or kept. Credentials are user:password@ (Earth Data Hub's https://edh:TOKEN@host/...) and the
// query parameters of signed URLs and API keys.

/** Query parameters whose values are credentials (signed URLs of S3 and Google Cloud Storage, API keys, tokens). */
const SECRET_PARAMETER = /^(token|access_token|auth|apikey|api_key|api-key|key|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential)$/i;
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/gi;
const QUERY_PARAMETER = /([?&])([^=&#\s]+)=([^&#\s]*)/g;

/** The URL without what may be a credential: user:password@ is dropped, secret query values are replaced by REDACTED. */
export function redactUrl(url: string): string {
  return redactText(url);
}

/** Any text (an error's message, a cause from fetch) with every URL in it redacted as redactUrl does. */
export function redactText(text: string): string {
  return text.replace(USERINFO, '$1').replace(QUERY_PARAMETER, (whole, separator: string, name: string) => (SECRET_PARAMETER.test(safeDecode(name)) ? `${separator}${name}=REDACTED` : whole));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
