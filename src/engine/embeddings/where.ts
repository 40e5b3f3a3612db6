import { InputError } from '../errors.js';
import type { Attributes, AttributeValue } from './attributes.js';

/** A condition on one attribute: a value (equality) or an object of operators, all of which must hold. */
export type Condition =
  | AttributeValue
  | {
      eq?: AttributeValue;
      ne?: AttributeValue;
      in?: AttributeValue[];
      notIn?: AttributeValue[];
      lt?: number | string;
      lte?: number | string;
      gt?: number | string;
      gte?: number | string;
    };

/** JSON-friendly predicate over item attributes: every listed column must meet its condition (AND). */
export type WhereSpec = Record<string, Condition>;

/** A predicate over one item's attributes (a plain object, column name -> value). */
export type WhereFn = (row: Record<string, AttributeValue>) => boolean;

const OPS = new Set(['eq', 'ne', 'in', 'notIn', 'lt', 'lte', 'gt', 'gte']);

/** Evaluates `where` once over every row: 1 where the item passes. Unknown columns or operators are InputErrors. */
export function whereMask(attrs: Attributes | undefined, where: WhereSpec | WhereFn, size: number): Uint8Array {
  if (!attrs) throw new InputError('filter.where: this index has no item attributes (build it with `attributes`)');
  const mask = new Uint8Array(size);
  if (typeof where === 'function') {
    const cols = attrs.names.map((n) => [n, attrs.columns.get(n) as AttributeValue[]] as const);
    for (let i = 0; i < size; i++) {
      const row: Record<string, AttributeValue> = {};
      for (const [n, c] of cols) row[n] = c[i] as AttributeValue;
      mask[i] = where(row) ? 1 : 0;
    }
    return mask;
  }
  if (where === null || typeof where !== 'object' || Array.isArray(where)) {
    throw new InputError('filter.where: expected an object of column conditions or a function');
  }
  mask.fill(1);
  for (const [name, cond] of Object.entries(where)) {
    const col = attrs.columns.get(name);
    if (!col) throw new InputError(`filter.where: unknown column "${name}" (columns: ${attrs.names.join(', ')})`);
    const test = conditionTest(name, cond);
    for (let i = 0; i < size; i++) if (mask[i] && !test(col[i] as AttributeValue)) mask[i] = 0;
  }
  return mask;
}

function conditionTest(name: string, cond: Condition): (v: AttributeValue) => boolean {
  if (cond === null || typeof cond !== 'object') return (v) => v === cond;
  if (Array.isArray(cond)) throw new InputError(`filter.where.${name}: use {"in": [...]} for a list of values`);
  const tests: ((v: AttributeValue) => boolean)[] = [];
  for (const [op, arg] of Object.entries(cond)) {
    if (!OPS.has(op))
      throw new InputError(`filter.where.${name}: unknown operator "${op}" (use ${[...OPS].join(', ')})`);
    if ((op === 'in' || op === 'notIn') && !Array.isArray(arg)) {
      throw new InputError(`filter.where.${name}.${op}: expected an array`);
    }
    if (op.startsWith('l') || op.startsWith('g')) {
      if (typeof arg !== 'number' && typeof arg !== 'string') {
        throw new InputError(`filter.where.${name}.${op}: expected a number or a string`);
      }
    }
    tests.push(opTest(op, arg as AttributeValue | AttributeValue[]));
  }
  return (v) => tests.every((t) => t(v));
}

function opTest(op: string, arg: AttributeValue | AttributeValue[]): (v: AttributeValue) => boolean {
  const set = new Set(Array.isArray(arg) ? arg : [arg]);
  // Ordering compares like with like only: a number column against a number, a string against a string.
  const ordered = (v: AttributeValue): v is number | string => v !== null && typeof v === typeof arg;
  const a = arg as number | string;
  switch (op) {
    case 'eq':
      return (v) => v === arg;
    case 'ne':
      return (v) => v !== arg;
    case 'in':
      return (v) => set.has(v);
    case 'notIn':
      return (v) => !set.has(v);
    case 'lt':
      return (v) => ordered(v) && v < a;
    case 'lte':
      return (v) => ordered(v) && v <= a;
    case 'gt':
      return (v) => ordered(v) && v > a;
    default:
      return (v) => ordered(v) && v >= a;
  }
}
