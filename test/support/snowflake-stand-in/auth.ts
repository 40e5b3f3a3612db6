import { createHash, createPublicKey, timingSafeEqual, verify } from 'node:crypto';

/** A user of the stand-in's account: a password, a registered RSA public key (PEM), or both. */
export interface StandInUser {
  name: string;
  password?: string | undefined;
  publicKeyPem?: string | undefined;
}

/** Snowflake's login failure codes: 390100 wrong user/password, 390144 invalid JWT. */
export interface LoginFailure {
  code: string;
  message: string;
}

/**
 * Checks a login-request body the way Snowflake does: SNOWFLAKE (password) or SNOWFLAKE_JWT (a
 * JWT signed RS256 with the user's private key; `iss` = ACCOUNT.USER.SHA256:<base64 of the
 * public key's DER SPKI digest>, `sub` = ACCOUNT.USER, not expired). Returns null when accepted.
 */
export function checkLogin(
  data: Record<string, unknown>,
  account: string,
  users: readonly StandInUser[],
): { user: string } | LoginFailure {
  const loginName = String(data.LOGIN_NAME ?? '');
  const user = users.find((u) => u.name.toUpperCase() === loginName.toUpperCase());
  const authenticator = String(data.AUTHENTICATOR ?? 'SNOWFLAKE').toUpperCase();
  if (authenticator === 'SNOWFLAKE_JWT') {
    const why = user?.publicKeyPem ? checkJwt(String(data.TOKEN ?? ''), account, user) : 'no public key registered';
    return why === null
      ? { user: (user as StandInUser).name }
      : { code: '390144', message: `JWT token is invalid. [${why}]` };
  }
  const given = Buffer.from(String(data.PASSWORD ?? ''));
  const expected = Buffer.from(user?.password ?? '');
  if (user?.password !== undefined && given.length === expected.length && timingSafeEqual(given, expected)) {
    return { user: user.name };
  }
  return { code: '390100', message: 'Incorrect username or password was specified.' };
}

/** Why a JWT is refused, or null. */
function checkJwt(token: string, account: string, user: StandInUser): string | null {
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) return 'not a JWT';
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string };
  if (header.alg !== 'RS256') return `alg ${header.alg}`;
  const key = createPublicKey(user.publicKeyPem as string);
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) return 'bad signature';
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as {
    iss?: string;
    sub?: string;
    exp?: number;
  };
  const who = `${account.toUpperCase()}.${user.name.toUpperCase()}`;
  const fingerprint = `SHA256:${createHash('sha256')
    .update(key.export({ format: 'der', type: 'spki' }))
    .digest('base64')}`;
  if (claims.sub !== who) return 'sub';
  if (claims.iss !== `${who}.${fingerprint}`) return 'iss';
  // snowflake-sdk 3.x writes iat/exp in milliseconds; accept either unit.
  const exp = Number(claims.exp);
  if (!(exp > (exp > 1e12 ? Date.now() : Date.now() / 1000))) return 'expired';
  return null;
}
