/**
 * A header from rawHeaders (name/value pairs as sent). Reading `req.headers` builds a lower-cased
 * object per request, which a bare server never pays for; this scan allocates nothing.
 * `name` is lower case.
 */
export function rawHeader(raw: string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    if (sameName(raw[i]!, name)) return raw[i + 1];
  }
  return undefined;
}

/**
 * ASCII case-insensitive equality with a lower-case `name` of letters, digits and '-' (the only
 * names to look up this way). Setting bit 0x20 lower-cases letters and leaves '-' and digits
 * alone; a character it turns into one of those from anything else is a control character (CR
 * onto '-'), which a header name the parser accepted cannot hold.
 */
function sameName(key: string, name: string): boolean {
  if (key.length !== name.length) return false;
  for (let j = 0; j < key.length; j++) {
    if ((key.charCodeAt(j) | 0x20) !== name.charCodeAt(j)) return false;
  }
  return true;
}
