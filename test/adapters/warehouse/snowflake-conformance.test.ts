import { afterAll, beforeAll } from 'vitest';
import { openStandInWarehouse, startStandIn } from '../../support/snowflake-stand-in/fixture.js';
import type { SnowflakeStandIn } from '../../support/snowflake-stand-in/stand-in.js';
import { warehouseConformance } from './conformance.js';

// The real snowflake-sdk driver against the REST stand-in (SQL runs on DuckDB behind it), once per bulk path.
let standIn: SnowflakeStandIn;
beforeAll(async () => {
  standIn = await startStandIn();
});
afterAll(async () => {
  await standIn?.close();
});

warehouseConformance('Snowflake stand-in, JSON document + FLATTEN', () => openStandInWarehouse(standIn), 'flat');
warehouseConformance(
  'Snowflake stand-in, array binds',
  () => openStandInWarehouse(standIn, { bulk: 'binds' }),
  'binds',
);
