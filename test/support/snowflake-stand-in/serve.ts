/**
 * Runs the stand-in as its own process (the warehouse bench keeps the driver and the stand-in on
 * separate threads): prints one JSON line `{"port", "account"}`, stops on SIGTERM or when stdin closes.
 * The password comes from RECKIT_STAND_IN_PASSWORD.
 */
import { SnowflakeStandIn } from './stand-in.js';

const standIn = await SnowflakeStandIn.start({
  users: [{ name: 'bench', password: process.env.RECKIT_STAND_IN_PASSWORD ?? 'bench' }],
  asyncAfterMs: 60_000,
});
process.stdout.write(`${JSON.stringify({ port: standIn.port, account: standIn.account })}\n`);
const stop = async () => {
  await standIn.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
