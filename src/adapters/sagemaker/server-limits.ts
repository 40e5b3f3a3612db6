import { InputError } from '../../engine/errors.js';

/**
 * What one request may ask of the inference server, and how long a connection may take to send
 * one (docs/serving.md, "Limits" and "Timeouts"). Each has a default, an option of
 * createInferenceServer and an environment variable for `reckit serve`.
 */
export interface RequestLimits {
  /** Instances (JSON, JSON Lines) or `user,item` lines (CSV) in one request. */
  maxInstances: number;
  /** Items scored for one request: 1 per predicted pair, the catalogue size per top-N list. */
  maxScored: number;
  /** Scores returned by one request: 1 per predicted pair, `top` per top-N list. */
  maxReturned: number;
}

export interface ServerTimeouts {
  /** A connection must send a request's complete headers within this many ms (408 after). */
  headersMs: number;
  /** ... and its complete body within this many ms of its first byte (408 after). */
  requestMs: number;
  /** An idle keep-alive connection is closed after this many ms. */
  keepAliveMs: number;
  /** How often the two deadlines above are checked. */
  checkEveryMs: number;
}

/**
 * A 6 MB CSV body of one-digit ids holds ~1.6M pairs, so that many predictions stay allowed;
 * 20M items scored is ~2 s of one core on a 10k-item catalogue (2,000 top-N lists).
 */
export const DEFAULT_LIMITS: Readonly<RequestLimits> = {
  maxInstances: 2_000_000,
  maxScored: 20_000_000,
  maxReturned: 2_000_000,
};

/** Keep-alive outlives a load balancer's 60 s idle timeout, so the client side closes first. */
export const DEFAULT_TIMEOUTS: Readonly<ServerTimeouts> = {
  headersMs: 20_000,
  requestMs: 60_000,
  keepAliveMs: 65_000,
  checkEveryMs: 1_000,
};

/** The environment variable behind each limit and timeout. */
export const LIMIT_ENV: Readonly<Record<keyof RequestLimits, string>> = {
  maxInstances: 'RECKIT_SERVE_MAX_INSTANCES',
  maxScored: 'RECKIT_SERVE_MAX_SCORED',
  maxReturned: 'RECKIT_SERVE_MAX_RETURNED',
};

export const TIMEOUT_ENV: Readonly<Record<keyof ServerTimeouts, string>> = {
  headersMs: 'RECKIT_SERVE_HEADERS_TIMEOUT_MS',
  requestMs: 'RECKIT_SERVE_REQUEST_TIMEOUT_MS',
  keepAliveMs: 'RECKIT_SERVE_KEEPALIVE_TIMEOUT_MS',
  checkEveryMs: 'RECKIT_SERVE_TIMEOUT_CHECK_MS',
};

/** Defaults, overridden by the environment, overridden by `given`; every value a positive integer. */
export function resolveLimits(given: Partial<RequestLimits> = {}, env = process.env): RequestLimits {
  return resolve(DEFAULT_LIMITS, LIMIT_ENV, given, env);
}

export function resolveTimeouts(given: Partial<ServerTimeouts> = {}, env = process.env): ServerTimeouts {
  const t = resolve(DEFAULT_TIMEOUTS, TIMEOUT_ENV, given, env);
  // Node requires headersTimeout <= requestTimeout.
  return { ...t, headersMs: Math.min(t.headersMs, t.requestMs) };
}

function resolve<T extends object>(
  defaults: Readonly<T>,
  names: Readonly<Record<keyof T, string>>,
  given: Partial<T>,
  env: NodeJS.ProcessEnv,
): T {
  const out = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof T)[]) {
    const raw = given[key] ?? env[names[key]];
    if (raw === undefined || raw === '') continue;
    const v = Number(raw);
    if (!Number.isSafeInteger(v) || v < 1) {
      const from = given[key] !== undefined ? String(key) : names[key];
      throw new InputError(`${from} must be a positive integer, got "${String(raw)}"`);
    }
    (out as Record<keyof T, unknown>)[key] = v;
  }
  return out;
}
