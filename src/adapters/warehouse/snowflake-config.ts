import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { InputError } from '../../engine/errors.js';

/**
 * Where and as whom to connect. Field names follow Snowflake's connections.toml; secrets
 * (password, privateKey, privateKeyPass) are never put into messages or logs.
 */
export interface SnowflakeConnectionOptions {
  account?: string | undefined;
  user?: string | undefined;
  /** SNOWFLAKE (password, the default) or SNOWFLAKE_JWT (key pair). */
  authenticator?: string | undefined;
  password?: string | undefined;
  /** PKCS#8 PEM text of the private key (key-pair auth). */
  privateKey?: string | undefined;
  privateKeyPath?: string | undefined;
  privateKeyPass?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  protocol?: 'https' | 'http' | undefined;
  database?: string | undefined;
  schema?: string | undefined;
  warehouse?: string | undefined;
  role?: string | undefined;
}

/** connections.toml keys (snake_case) and SNOWFLAKE_* variables -> our option names. */
const KEYS: Record<keyof SnowflakeConnectionOptions, { toml: string[]; env: string[] }> = {
  account: { toml: ['account', 'accountname'], env: ['SNOWFLAKE_ACCOUNT'] },
  user: { toml: ['user', 'username'], env: ['SNOWFLAKE_USER'] },
  authenticator: { toml: ['authenticator'], env: ['SNOWFLAKE_AUTHENTICATOR'] },
  password: { toml: ['password'], env: ['SNOWFLAKE_PASSWORD'] },
  privateKey: { toml: ['private_key'], env: ['SNOWFLAKE_PRIVATE_KEY'] },
  privateKeyPath: {
    toml: ['private_key_file', 'private_key_path'],
    env: ['SNOWFLAKE_PRIVATE_KEY_FILE', 'SNOWFLAKE_PRIVATE_KEY_PATH'],
  },
  privateKeyPass: {
    toml: ['private_key_file_pwd', 'private_key_pwd'],
    env: ['SNOWFLAKE_PRIVATE_KEY_FILE_PWD', 'SNOWFLAKE_PRIVATE_KEY_PASSPHRASE'],
  },
  host: { toml: ['host'], env: ['SNOWFLAKE_HOST'] },
  port: { toml: ['port'], env: ['SNOWFLAKE_PORT'] },
  protocol: { toml: ['protocol'], env: ['SNOWFLAKE_PROTOCOL'] },
  database: { toml: ['database', 'databasename'], env: ['SNOWFLAKE_DATABASE'] },
  schema: { toml: ['schema', 'schemaname'], env: ['SNOWFLAKE_SCHEMA'] },
  warehouse: { toml: ['warehouse', 'warehousename'], env: ['SNOWFLAKE_WAREHOUSE'] },
  role: { toml: ['role', 'rolename'], env: ['SNOWFLAKE_ROLE'] },
};

/** The connections file: $SNOWFLAKE_HOME/connections.toml, else ~/.snowflake/connections.toml. */
export function connectionsFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.SNOWFLAKE_HOME ?? join(homedir(), '.snowflake'), 'connections.toml');
}

/**
 * The options for `--warehouse snowflake:<name>`: explicit options first, then SNOWFLAKE_*
 * variables, then connection `<name>` of connections.toml (no name: SNOWFLAKE_DEFAULT_CONNECTION_NAME,
 * the file's `default_connection_name`, else `default`). A named connection must exist.
 */
export function resolveConnection(
  name: string | undefined,
  explicit: SnowflakeConnectionOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): SnowflakeConnectionOptions & { name: string } {
  const file = connectionsFile(env);
  const toml = existsSync(file) ? readToml(file) : {};
  const chosen =
    name || env.SNOWFLAKE_DEFAULT_CONNECTION_NAME || (toml.default_connection_name as string | undefined) || 'default';
  const section = toml[chosen];
  if (name && (typeof section !== 'object' || section === null)) {
    throw new InputError(`Snowflake connection "${name}" is not in ${file}`);
  }
  const fromToml = (typeof section === 'object' && section !== null ? section : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = { name: chosen };
  for (const [key, where] of Object.entries(KEYS)) {
    const value =
      explicit[key as keyof SnowflakeConnectionOptions] ??
      where.env.map((v) => env[v]).find((v) => v !== undefined && v !== '') ??
      where.toml.map((k) => fromToml[k]).find((v) => v !== undefined);
    if (value !== undefined) out[key] = key === 'port' ? Number(value) : String(value);
  }
  const o = out as unknown as SnowflakeConnectionOptions & { name: string };
  const what = `Snowflake connection "${chosen}"`;
  if (!o.account) throw new InputError(`${what}: no account (set account in ${file} or SNOWFLAKE_ACCOUNT)`);
  if (!o.user) throw new InputError(`${what}: no user (set user in ${file} or SNOWFLAKE_USER)`);
  o.authenticator = (
    o.authenticator ?? (o.privateKey || o.privateKeyPath ? 'SNOWFLAKE_JWT' : 'SNOWFLAKE')
  ).toUpperCase();
  if (o.authenticator === 'SNOWFLAKE' && !o.password) {
    throw new InputError(`${what}: no password and no private key (password auth needs one)`);
  }
  if (o.authenticator === 'SNOWFLAKE_JWT' && !o.privateKey && !o.privateKeyPath) {
    throw new InputError(`${what}: key-pair auth needs private_key_file (or SNOWFLAKE_PRIVATE_KEY_FILE)`);
  }
  if (o.protocol !== undefined && o.protocol !== 'https' && o.protocol !== 'http') {
    throw new InputError(`${what}: protocol "${o.protocol}": expected https or http`);
  }
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port > 0 && o.port < 65536)) {
    throw new InputError(`${what}: port must be a number from 1 to 65535`);
  }
  return o;
}

function readToml(file: string): Record<string, unknown> {
  try {
    return parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    // smol-toml's message names the line and column, never a value.
    throw new InputError(`${file}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
}

/** Where we connect and as whom, for messages: no secret. */
export function describeConnection(o: SnowflakeConnectionOptions & { name: string }): string {
  return `snowflake:${o.name} (account ${o.account}, user ${o.user}, ${o.authenticator === 'SNOWFLAKE_JWT' ? 'key pair' : 'password'})`;
}
