import type { Warehouse } from '../../warehouse/warehouse.js';

/**
 * openWarehouse, imported when first needed: DuckDB's native module takes about a second to load,
 * which every `train` run (and every failing one) would otherwise pay before reading its config.
 */
export async function openWarehouseLazily(spec: string): Promise<Warehouse> {
  return (await import('../../warehouse/open-warehouse.js')).openWarehouse(spec);
}
