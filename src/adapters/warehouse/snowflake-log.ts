import type { LogLevel, SnowflakeLogger } from 'snowflake-sdk';

const ORDER: LogLevel[] = ['OFF', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'];

/** Secret values of open connections: any log line holding one has it masked. */
const secrets = new Set<string>();

/** Registers a connection's secrets (password, private key and its lines, passphrase) for masking. */
export function registerSecrets(values: readonly (string | undefined)[]): void {
  for (const v of values) {
    if (!v) continue;
    secrets.add(v);
    // A PEM key could surface line by line; mask each base64 line too.
    for (const line of v.split(/\r?\n/)) if (line.length >= 16 && !line.startsWith('-----')) secrets.add(line);
  }
}

function mask(message: string): string {
  let out = String(message);
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}

/**
 * snowflake-sdk's log, on stderr and masked: off unless RECKIT_SNOWFLAKE_LOG_LEVEL asks
 * (ERROR, WARN, INFO, DEBUG, TRACE), so a failed login prints reckit's one-line error only.
 */
export function driverLogConfig(): { logLevel: LogLevel; customLogger: SnowflakeLogger } {
  const level = (process.env.RECKIT_SNOWFLAKE_LOG_LEVEL ?? 'OFF').toUpperCase() as LogLevel;
  const rank = ORDER.indexOf(level);
  // Filtered here as well: the driver logs while it is still applying a new level.
  const write = (tag: LogLevel) => (m: string) => {
    if (ORDER.indexOf(tag) <= rank) process.stderr.write(`snowflake-sdk ${tag}: ${mask(m)}\n`);
  };
  return {
    logLevel: level,
    customLogger: {
      error: write('ERROR'),
      warn: write('WARN'),
      info: write('INFO'),
      debug: write('DEBUG'),
      trace: write('TRACE'),
    },
  };
}
