import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { DuckDbWarehouse } from '../../../src/adapters/warehouse/duckdb-warehouse.js';
import { warehouseConformance } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'reckit-conf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

warehouseConformance('DuckDB file', () => DuckDbWarehouse.open(join(dir, 'conf.duckdb')));
