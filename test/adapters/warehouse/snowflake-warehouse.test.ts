import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { openWarehouse } from '../../../src/adapters/warehouse/open-warehouse.js';
import { resolveConnection } from '../../../src/adapters/warehouse/snowflake-config.js';
import { SnowflakeWarehouse } from '../../../src/adapters/warehouse/snowflake-warehouse.js';
import { InputError } from '../../../src/engine/errors.js';
import {
  KEYS,
  openStandInWarehouse,
  PASSWORD,
  standInConnection,
  startStandIn,
} from '../../support/snowflake-stand-in/fixture.js';
import { SnowflakeSqlError } from '../../support/snowflake-stand-in/sql-error.js';
import type { SnowflakeStandIn, WireRecord } from '../../support/snowflake-stand-in/stand-in.js';
import { ratings, rowsOf } from './conformance.js';

let standIn: SnowflakeStandIn;
/** Set by a test: the stand-in answers matching statements with this Snowflake error. */
let faultNow: ((sql: string) => SnowflakeSqlError | undefined) | undefined;
const dir = mkdtempSync(join(tmpdir(), 'reckit-sf-'));
beforeAll(async () => {
  // Statements naming SLOW run 400 ms; anything still running after 100 ms is polled (333333).
  standIn = await startStandIn({
    asyncAfterMs: 100,
    delayMs: (sql) => (sql.includes('SLOW') ? 400 : 0),
    fault: (sql) => faultNow?.(sql),
  });
});
afterAll(async () => {
  await standIn?.close();
  rmSync(dir, { recursive: true, force: true });
});

const queries = (log: WireRecord[]) =>
  log.filter((r) => r.path === '/queries/v1/query-request') as (WireRecord & {
    body: { sqlText: string; bindings?: Record<string, { type: string; value: unknown }> };
  })[];

/** Everything written to stdout, stderr and the console while `work` runs. */
async function captureOutput(work: () => Promise<unknown>): Promise<string> {
  let text = '';
  const grab = (...a: unknown[]) => {
    text += `${a.map(String).join(' ')}\n`;
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(grab as never),
    vi.spyOn(process.stderr, 'write').mockImplementation(grab as never),
    ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(grab as never),
    ),
  ];
  try {
    await work().catch((e: Error) => grab(e.message, e.stack));
  } finally {
    for (const s of spies) s.mockRestore();
  }
  return text;
}

describe('SnowflakeWarehouse on the wire (real snowflake-sdk, REST stand-in)', () => {
  test('table names travel only as IDENTIFIER(?) binds, never in the SQL text', async () => {
    const from = standIn.log.length;
    const wh = await openStandInWarehouse(standIn);
    await wh.writeTable('wire_names', ratings(50));
    await wh.writeTable('wire_names', ratings(20), { mode: 'replace' });
    await wh.readTable('wire_names');
    await wh.close();
    const sent = queries(standIn.log.slice(from));
    expect(sent.length).toBeGreaterThan(4);
    for (const q of sent) expect(q.body.sqlText.toLowerCase()).not.toContain('wire_names');
    expect(sent.some((q) => q.body.sqlText.includes('SWAP WITH'))).toBe(true);
    const boundNames = sent.flatMap((q) => Object.values(q.body.bindings ?? {}).map((b) => b.value));
    expect(boundNames).toContain('wire_names');
    // The session was closed: POST /session?delete=true, and the stand-in holds no session for it.
    expect(standIn.log.slice(from).some((r) => r.path === '/session' && r.query.delete === 'true')).toBe(true);
  });

  test('a slow statement is polled (333333, then GET /queries/<id>/result) and its rows arrive', async () => {
    const wh = await openStandInWarehouse(standIn);
    await wh.writeTable('polled', ratings(300));
    const from = standIn.log.length;
    const t = await wh.run('SELECT * FROM polled /* SLOW */ ORDER BY "MOVIEID"');
    await wh.close();
    expect(rowsOf(t)).toEqual(rowsOf(ratings(300)));
    const seen = standIn.log.slice(from);
    expect(seen.some((r) => r.answer === '333333')).toBe(true);
    expect(seen.some((r) => r.method === 'GET' && /^\/queries\/[\w-]+\/result$/.test(r.path))).toBe(true);
  });

  test('Snowflake failing mid-write (3rd INSERT, then the SWAP) leaves the previous table and no staging table', async () => {
    const wh = await openStandInWarehouse(standIn);
    await wh.writeTable('server_fault', ratings(100));
    for (const at of ['INSERT', 'SWAP']) {
      let inserts = 0;
      faultNow = (sql) => {
        if (sql.startsWith('INSERT')) inserts++;
        const hit = at === 'INSERT' ? inserts === 3 && sql.startsWith('INSERT') : sql.includes('SWAP WITH');
        return hit
          ? new SnowflakeSqlError(
              '000603',
              'XX000',
              'SQL execution internal error: Processing aborted due to error 300010:391167117',
            )
          : undefined;
      };
      const e = await wh.writeTable('server_fault', ratings(1000, 9), { batchRows: 200 }).catch((x: Error) => x);
      faultNow = undefined;
      expect((e as Error).message).toMatch(/Snowflake error 000603/);
      expect(e).not.toBeInstanceOf(InputError); // an internal error is not the user's to fix
      expect(rowsOf(await wh.readTable('server_fault'))).toEqual(rowsOf(ratings(100)));
    }
    const left = await standIn.sql(
      "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'SERVER_FAULT__RECKIT_TMP%'",
    );
    expect(Number(left[0]?.[0])).toBe(0);
    await wh.close();
  });

  test("Snowflake's error codes reach the user as one-line InputErrors", async () => {
    const wh = await openStandInWarehouse(standIn);
    await expect(wh.run('SELEC 1')).rejects.toThrow(/Snowflake error 001003/);
    await expect(wh.run('SELECT * FROM no_such_table_here')).rejects.toThrow(/does not exist.*Snowflake error 002003/);
    // Snowflake refuses function calls in VALUES; the stand-in does too, so nothing relies on it.
    await wh.run('CREATE TABLE v_t ("A" VARIANT)');
    const e = await wh.run('INSERT INTO v_t ("A") VALUES (PARSE_JSON(?))', ['[1]']).catch((x: Error) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/Invalid expression .* in VALUES clause/);
    expect((e as Error).message).not.toContain('\n');
    await wh.close();
  });
});

describe('Snowflake auth and connections', () => {
  test('key-pair (JWT) login: the stand-in verifies the RS256 signature, iss with the key fingerprint, sub', async () => {
    const from = standIn.log.length;
    const wh = await SnowflakeWarehouse.open(
      undefined,
      standInConnection(standIn, { user: 'key_user', password: undefined, privateKey: KEYS.privateKey }),
    );
    await wh.writeTable('jwt_t', ratings(3));
    expect((await wh.readTable('jwt_t')).numRows).toBe(3);
    await wh.close();
    const login = standIn.log.slice(from).find((r) => r.path === '/session/v1/login-request') as WireRecord;
    const data = (login.body as { data: Record<string, string> }).data;
    expect(data.AUTHENTICATOR).toBe('SNOWFLAKE_JWT');
    expect(data.TOKEN?.split('.')).toHaveLength(3);
    expect(data.PASSWORD).toBeUndefined();
  });

  test('a key the user did not register is refused; no private key or password in messages or logs', async () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const keyBody = other.privateKey.split('\n')[5]!;
    let error: unknown;
    process.env.RECKIT_SNOWFLAKE_LOG_LEVEL = 'TRACE';
    const out = await captureOutput(async () => {
      error = await SnowflakeWarehouse.open(
        undefined,
        standInConnection(standIn, { user: 'key_user', password: undefined, privateKey: other.privateKey }),
      ).catch((e: unknown) => e);
      const wrong = await SnowflakeWarehouse.open(
        undefined,
        standInConnection(standIn, { password: `${PASSWORD}x` }),
      ).catch((e: Error) => e);
      expect(wrong).toBeInstanceOf(InputError);
      expect((wrong as Error).message).toMatch(/cannot log in to snowflake:default .*Incorrect username or password/);
      expect((wrong as Error).message).not.toContain(PASSWORD);
      const ok = await openStandInWarehouse(standIn);
      await ok.close();
    });
    delete process.env.RECKIT_SNOWFLAKE_LOG_LEVEL;
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/JWT token is invalid/);
    expect((error as Error).message).not.toContain(keyBody);
    // The driver logged at TRACE through reckit's masked logger (so the check below saw its lines).
    expect(out).toMatch(/snowflake-sdk (TRACE|DEBUG): .*login-request/);
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain(keyBody);
    expect(out).not.toContain('PRIVATE KEY');
  });

  test('--warehouse snowflake:NAME reads connections.toml from SNOWFLAKE_HOME; default_connection_name', async () => {
    writeFileSync(
      join(dir, 'connections.toml'),
      `default_connection_name = "standin"\n\n[standin]\naccount = "${standIn.account}"\nuser = "reckit_tester"\npassword = "${PASSWORD}"\nhost = "127.0.0.1"\nport = ${standIn.port}\nprotocol = "http"\n\n[other]\naccount = "x"\n`,
    );
    const saved = { ...process.env };
    process.env.SNOWFLAKE_HOME = dir;
    try {
      for (const spec of ['snowflake:standin', 'snowflake:']) {
        const wh = await openWarehouse(spec);
        expect(wh.location).toBe('snowflake:standin');
        await wh.writeTable('toml_t', ratings(2));
        expect(await wh.hasTable('toml_t')).toBe(true);
        await wh.close();
      }
      await expect(openWarehouse('snowflake:nope')).rejects.toThrow(/connection "nope" is not in .*connections.toml/);
      await expect(openWarehouse('snowflake:other')).rejects.toThrow(/"other": no user/);
      // SNOWFLAKE_* variables win over the file.
      process.env.SNOWFLAKE_USER = 'someone_else';
      expect(resolveConnection('standin').user).toBe('someone_else');
    } finally {
      process.env = saved;
    }
  });
});
