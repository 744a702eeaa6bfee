// The one place where an address is made fit for a message, a log or a progress line: every URL the
// request layer names goes through redactUrl first, so a credential in it is never shown.

/** The URL without what may be a credential: user:password@ is dropped. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
}
