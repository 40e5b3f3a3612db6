import { generateKeyPairSync } from 'node:crypto';
import {
  SnowflakeWarehouse,
  type SnowflakeWarehouseOptions,
} from '../../../src/adapters/warehouse/snowflake-warehouse.js';
import { SnowflakeStandIn, type StandInOptions } from './stand-in.js';

/** The stand-in's test users: one with a password, one with a registered RSA key pair. */
export const PASSWORD = 'correct horse battery staple 7!';
export const KEYS = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

export function startStandIn(o: Partial<StandInOptions> = {}): Promise<SnowflakeStandIn> {
  return SnowflakeStandIn.start({
    users: [
      { name: 'reckit_tester', password: PASSWORD },
      { name: 'key_user', publicKeyPem: KEYS.publicKey },
    ],
    ...o,
  });
}

/** Connection options pointing snowflake-sdk at the stand-in over plain HTTP on loopback. */
export function standInConnection(s: SnowflakeStandIn, o: SnowflakeWarehouseOptions = {}): SnowflakeWarehouseOptions {
  return {
    account: s.account,
    user: 'reckit_tester',
    password: PASSWORD,
    host: '127.0.0.1',
    port: s.port,
    protocol: 'http',
    ...o,
  };
}

export function openStandInWarehouse(
  s: SnowflakeStandIn,
  o: SnowflakeWarehouseOptions = {},
): Promise<SnowflakeWarehouse> {
  return SnowflakeWarehouse.open(undefined, standInConnection(s, o));
}
