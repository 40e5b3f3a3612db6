import { type Table, Type, type Vector } from 'apache-arrow';
import { InputError } from '../errors.js';
import { checkNumericIds, idsFromBigInts } from './id-rules.js';

/**
 * The values of an id column as numbers or strings, refusing nulls with the row they sit on.
 * Under the id rules (id-rules.ts) 64-bit integers beyond 2^53 become their exact decimal text,
 * and a floating-point id that is not a safe integer is refused.
 */
export function idValues(table: Table, name: string, source: string): ArrayLike<number> | string[] {
  const v = requireColumn(table, name, source);
  refuseNulls(v, name, source);
  switch (v.type.typeId) {
    case Type.Int:
    case Type.Float: {
      const a = v.toArray() as ArrayLike<number> | BigInt64Array | BigUint64Array;
      if (a instanceof BigInt64Array || a instanceof BigUint64Array) return idsFromBigInts(a);
      checkNumericIds(a, (i) => `${source} row ${i}: field "${name}"`);
      return a;
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Dictionary:
      return Array.from(v.toArray() as ArrayLike<unknown>, (x) => String(x));
    default:
      throw new InputError(`${source}: column "${name}" has type ${v.type}; expected integers, floats or strings`);
  }
}

/** A numeric column as Float32Array (ratings) or Float64Array (timestamps); nulls refused. */
export function numberValues<T extends Float32ArrayConstructor | Float64ArrayConstructor>(
  table: Table,
  name: string,
  source: string,
  as: T,
): InstanceType<T> {
  const v = requireColumn(table, name, source);
  refuseNulls(v, name, source);
  if (v.type.typeId !== Type.Int && v.type.typeId !== Type.Float && v.type.typeId !== Type.Timestamp) {
    throw new InputError(`${source}: column "${name}" has type ${v.type}; expected numbers`);
  }
  const a = v.toArray() as ArrayLike<number> | BigInt64Array;
  if (a instanceof as) return a as InstanceType<T>;
  if (a instanceof BigInt64Array || a instanceof BigUint64Array)
    return as.from(bigToNumbers(a, name, source)) as InstanceType<T>;
  return as.from(a) as InstanceType<T>;
}

function requireColumn(table: Table, name: string, source: string): Vector {
  const v = table.getChild(name);
  if (!v) {
    const have = table.schema.fields.map((f) => f.name).join(', ');
    throw new InputError(`${source}: no column "${name}" (columns: ${have || 'none'})`);
  }
  return v;
}

function refuseNulls(v: Vector, name: string, source: string): void {
  if (v.nullCount === 0) return;
  for (let i = 0; i < v.length; i++) {
    if (!v.isValid(i)) throw new InputError(`${source} row ${i}: field "${name}" is empty (null)`);
  }
}

function bigToNumbers(a: BigInt64Array | BigUint64Array, name: string, source: string): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x > BigInt(Number.MAX_SAFE_INTEGER) || x < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new InputError(`${source} row ${i}: ${name} ${x} does not fit a double exactly`);
    }
    out[i] = Number(x);
  }
  return out;
}
