/**
 * The receiving server's verdict on a mail's From (RFC 8601 Authentication-Results), so a reply
 * token with a forged From of the client is not threaded as the client. Only headers whose
 * authserv-id is the one the mailbox trusts count: anyone can write an Authentication-Results
 * header into the mail they send, and the receiving server is expected to drop those carrying its
 * own id (RFC 8601 §5).
 */

/** One `method=result` of an Authentication-Results header, with its properties (`header.d`…). */
export interface AuthResult {
  /** Lower-case, without version: dkim, spf, dmarc… */
  method: string;
  /** Lower-case: pass, fail, softfail, none, neutral, temperror, permerror, policy… */
  result: string;
  /** `ptype.property` (lower-case) → value, quotes removed. */
  props: Record<string, string>;
}

export interface AuthResultsHeader {
  authservId: string;
  results: AuthResult[];
}

/** verified: the From domain passed; unverified: it failed; unknown: nothing to judge by (as before). */
export type SenderVerdict = 'verified' | 'unverified' | 'unknown';

export interface SenderAuthentication {
  verdict: SenderVerdict;
  /** Why, for an operator: the results that decided. */
  detail: string;
}

/** Comments removed (nested, outside quoted strings), as CFWS allows them anywhere. */
function withoutComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += value.slice(i, i + 2);
      i++;
    } else if (quoted) {
      out += c;
      if (c === '"') quoted = false;
    } else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0) {
      if (c === '"') quoted = true;
      out += c;
    }
  }
  return out;
}

/** Splits on `;` outside quoted strings. */
function statements(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && quoted) {
      current += value.slice(i, i + 2);
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.map((part) => part.trim());
}

function unquote(value: string): string {
  return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

const PAIR = /([A-Za-z0-9_.\-/]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s"]+)/g;

/**
 * One Authentication-Results header value (folded or not, comments allowed); null when it has no
 * authserv-id. `none` and unreadable statements give no result rather than an error: a header the
 * server wrote oddly must not stop the mail.
 */
export function parseAuthenticationResults(value: string): AuthResultsHeader | null {
  const [head, ...rest] = statements(withoutComments(value.replace(/\r?\n[ \t]+/g, ' ')));
  // authserv-id, then an optional version number.
  const id = /^("(?:[^"\\]|\\.)*"|[^\s"]+)/.exec(head ?? '');
  if (!id) return null;
  const results: AuthResult[] = [];
  for (const statement of rest) {
    const pairs = [...statement.matchAll(PAIR)];
    if (pairs.length === 0) continue;
    const [, methodSpec, result] = pairs[0];
    const props: Record<string, string> = {};
    for (const [, key, raw] of pairs.slice(1)) if (key.includes('.')) props[key.toLowerCase()] = unquote(raw);
    results.push({ method: methodSpec.split('/')[0].toLowerCase(), result: unquote(result).toLowerCase(), props });
  }
  return { authservId: unquote(id[1]), results };
}

/** The domain of an address or of a bare domain (`@example.org` as header.i may be), lower-case. */
function domainOf(value: string | undefined): string | null {
  if (!value) return null;
  const domain = value.slice(value.lastIndexOf('@') + 1).trim().toLowerCase().replace(/\.$/, '');
  return domain.includes('.') ? domain : null;
}

/**
 * Relaxed alignment (DMARC, RFC 7489 §3.1) approximated without the public suffix list: the same
 * domain, or one a subdomain of the other. A two-label parent such as `co.uk` cannot sign or send
 * for the domains under it, so the approximation only errs towards what the receiver checked.
 */
function aligned(domain: string | null, fromDomain: string): boolean {
  if (!domain) return false;
  return domain === fromDomain || fromDomain.endsWith(`.${domain}`) || domain.endsWith(`.${fromDomain}`);
}

/**
 * The verdict on `fromAddress` from the headers the trusted server wrote: dmarc=fail → unverified;
 * else dmarc=pass for the From domain, dkim=pass signed by an aligned domain (header.d or header.i)
 * or spf=pass for an aligned envelope sender → verified; else dkim=fail and spf=fail/softfail
 * (no aligned pass) → unverified; anything else, no trusted id or no trusted header → unknown.
 */
export function authenticateSender(headerValues: readonly string[], trustedAuthservId: string | null, fromAddress: string): SenderAuthentication {
  if (!trustedAuthservId) return { verdict: 'unknown', detail: 'no trusted authserv-id configured' };
  const trusted = trustedAuthservId.toLowerCase();
  const results = headerValues
    .map((value) => parseAuthenticationResults(value))
    .filter((header): header is AuthResultsHeader => header !== null && header.authservId.toLowerCase() === trusted)
    .flatMap((header) => header.results);
  if (results.length === 0) return { verdict: 'unknown', detail: `no Authentication-Results from ${trustedAuthservId}` };
  const fromDomain = domainOf(fromAddress);
  if (!fromDomain) return { verdict: 'unknown', detail: 'the From address has no domain' };
  const of = (method: string) => results.filter((r) => r.method === method);
  const says = (r: AuthResult) => `${r.method}=${r.result}`;

  const dmarc = of('dmarc').filter((r) => !r.props['header.from'] || aligned(domainOf(r.props['header.from']), fromDomain));
  const dmarcFail = dmarc.find((r) => r.result === 'fail');
  if (dmarcFail) return { verdict: 'unverified', detail: `${trustedAuthservId}: dmarc=fail for ${fromDomain}` };
  const pass =
    dmarc.find((r) => r.result === 'pass') ??
    of('dkim').find((r) => r.result === 'pass' && (aligned(domainOf(r.props['header.d']), fromDomain) || aligned(domainOf(r.props['header.i']), fromDomain))) ??
    of('spf').find((r) => r.result === 'pass' && aligned(domainOf(r.props['smtp.mailfrom']), fromDomain));
  if (pass) return { verdict: 'verified', detail: `${trustedAuthservId}: ${says(pass)} for ${fromDomain}` };
  const dkimFail = of('dkim').find((r) => r.result === 'fail');
  const spfFail = of('spf').find((r) => r.result === 'fail' || r.result === 'softfail');
  if (dkimFail && spfFail) return { verdict: 'unverified', detail: `${trustedAuthservId}: ${says(dkimFail)}, ${says(spfFail)}, nothing passed for ${fromDomain}` };
  return { verdict: 'unknown', detail: `${trustedAuthservId}: ${results.map(says).join(', ')}` };
}
