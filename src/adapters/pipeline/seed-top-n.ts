import { Table, type Vector } from 'apache-arrow';
import type { Model, TopN } from '../../engine/model/model.js';
import { topNListTable } from '../../engine/model/top-n-table.js';

/**
 * Seed 1's recommendations table: `USERID` and `TOP_<N>_RECOMMENDATIONS`, the list of item ids
 * (Snowflake's VARIANT array), one row per user. Every writer of that table builds it here.
 */
export function seedTopNTable(top: TopN, model: Pick<Model, 'users' | 'items'>, n: number): Table {
  const lists = topNListTable(top, model);
  return new Table({
    USERID: lists.getChild('user') as Vector,
    [`TOP_${n}_RECOMMENDATIONS`]: lists.getChild('items') as Vector,
  });
}
