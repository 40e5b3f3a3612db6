#!/usr/bin/env node
// Checks that every native function's arguments, as the C++ reads them, match the TypeScript
// binding that calls it (issue 19): same count, same names in the same order, compatible types.
// C++ side: each RK_REGISTER("name", Fn) and the `args.Float32(N, "what")`-style reads of its
// rk::Args in Fn's body (and in structs Fn builds from `args`). TS side: the method signatures of
// the `*Binding` interfaces in src/engine/kernels/addon/*.ts. Also: kernels read arguments only
// through rk::Args (no raw `info[N]`), and async jobs pin what Args recorded, never a hand list.
// Exit 1 naming every mismatch.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The repository root; a test passes a copy with a deliberate mismatch.
const root = process.argv[2] ? resolve(process.argv[2]) : join(import.meta.dirname, '..');
const nativeDir = join(root, 'src/engine/kernels/native');
const addonDir = join(root, 'src/engine/kernels/addon');

const CXX_TYPE = {
  Int32: 'Int32Array',
  Float32: 'Float32Array',
  Float64: 'Float64Array',
  Number: 'number',
  NumberOr: 'number',
  Bool: 'boolean',
  String: 'string',
  TypedList: null, // an array of typed arrays: the name is checked, the element types by the kernel
  External: 'NativeHandle', // an opaque native object (addon/binding.ts)
  napi_int32_array: 'Int32Array',
  napi_float32_array: 'Float32Array',
  napi_float64_array: 'Float64Array',
  napi_uint8_array: 'Uint8Array',
  napi_uint16_array: 'Uint16Array',
  napi_int8_array: 'Int8Array',
};
const ROWS = [
  { name: 'offsets', type: 'Int32Array' },
  { name: 'cols', type: 'Int32Array' },
  { name: 'values', type: 'Float32Array' },
  { name: 'nRows', type: 'number' },
  { name: 'dim', type: 'number' },
];

/** Argument reads in a block of C++: index -> {name, type}. */
function reads(text) {
  const out = new Map();
  const re =
    /\bargs\.(Int32|Float32|Float64|NumberOr|Number|Bool|String|TypedList|Typed<[^,]+,\s*(\w+)>|Optional<[^,]+,\s*(\w+)>|External<\w+>)\(\s*(\d+),\s*"(\w+)"/g;
  for (const m of text.matchAll(re)) {
    const type = CXX_TYPE[m[2] ?? m[3] ?? m[1].replace(/<.*/, '')];
    out.set(Number(m[4]), { name: m[5], type });
  }
  for (const m of text.matchAll(/rk::RowsArg\(args,\s*(\d+)\)/g)) {
    for (const [k, r] of ROWS.entries()) out.set(Number(m[1]) + k, r);
  }
  return out;
}

/** The body of a top-level C++ function or struct starting at `start` (brace matching). */
function blockAt(text, start) {
  const open = text.indexOf('{', start);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start);
}

const native = new Map();
const problems = [];
for (const file of readdirSync(nativeDir).filter((f) => f.endsWith('.cc'))) {
  const text = readFileSync(join(nativeDir, file), 'utf8');
  // A raw read escapes the check below and, for a buffer, the job's pins.
  for (const m of text.matchAll(/\binfo\[|->Pin\(/g)) {
    const line = text.slice(0, m.index).split('\n').length;
    problems.push(`${file}:${line}: read arguments through rk::Args (its views are what async jobs pin)`);
  }
  const structs = new Map();
  for (const m of text.matchAll(/^struct (\w+) \{/gm)) {
    const body = blockAt(text, m.index);
    if (/rk::Args& args/.test(body)) structs.set(m[1], body);
  }
  for (const m of text.matchAll(/RK_REGISTER\("(\w+)",\s*(\w+)\)/g)) {
    const def = new RegExp(`Napi::Value ${m[2]}\\(const Napi::CallbackInfo& info\\)`).exec(text);
    if (!def) continue;
    let body = blockAt(text, def.index);
    for (const [name, s] of structs) if (new RegExp(`\\b${name}\\b[^;]*\\(args\\)`).test(body)) body += s;
    native.set(m[1], { file, args: reads(body) });
  }
}

/** Top-level parameters of a TS parameter list (commas inside <>, (), [] and {} ignored). */
function splitParams(list) {
  const out = [];
  let depth = 0;
  let cur = '';
  for (const ch of list) {
    if ('<([{'.includes(ch)) depth++;
    if ('>)]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

const ts = new Map();
const rowArgs = ROWS.map((r) => ({ name: r.name, type: r.type }));
for (const file of readdirSync(addonDir).filter((f) => f.endsWith('.ts'))) {
  const text = readFileSync(join(addonDir, file), 'utf8');
  for (const m of text.matchAll(/^(?:export )?interface \w+Binding \{/gm)) {
    const body = blockAt(text, m.index);
    for (const f of body.matchAll(/^ {2}(\w+)\(\s*([\s\S]*?)\s*\):/gm)) {
      let params = splitParams(f[2].replace(/^\.\.\.args:\s*\[([\s\S]*)\]$/, '$1'));
      params = params.flatMap((p) =>
        p === '...RowArgs'
          ? rowArgs
          : [{ name: p.split(':')[0].replace('?', '').trim(), type: p.split(':').slice(1).join(':').trim() }],
      );
      // Every declaration is checked: two files may type the same function.
      ts.set(f[1], [
        ...(ts.get(f[1]) ?? []),
        { file, params, untyped: /^\.\.\.\w+:\s*unknown\[\]$/.test(f[2].trim()) },
      ]);
    }
  }
}

for (const [name, decls] of ts)
  for (const t of decls) {
    const n = native.get(name);
    if (t.untyped) {
      problems.push(`${t.file}: ${name} takes untyped ...args; declare its parameters so they can be checked`);
      continue;
    }
    if (!n) {
      if (name !== 'hardwareThreads') problems.push(`${t.file}: ${name} is declared but no native/*.cc registers it`);
      continue;
    }
    const count = n.args.size ? Math.max(...n.args.keys()) + 1 : 0;
    if (count !== t.params.length) {
      problems.push(`${name}: ${n.file} reads ${count} arguments, ${t.file} declares ${t.params.length}`);
    }
    for (const [i, a] of n.args) {
      const p = t.params[i];
      if (!a || !p) continue;
      if (a.name !== p.name)
        problems.push(`${name} argument ${i}: ${n.file} reads "${a.name}", ${t.file} says "${p.name}"`);
      if (
        a.type &&
        !p.type
          .split('|')
          .map((s) => s.trim())
          .includes(a.type)
      ) {
        problems.push(`${name} argument ${i} (${p.name}): ${n.file} reads ${a.type}, ${t.file} says ${p.type}`);
      }
    }
  }
for (const [name, n] of native) {
  if (!ts.has(name) && name !== 'hardwareThreads')
    problems.push(`${n.file}: ${name} is registered but no addon/*.ts declares it`);
}
for (const p of problems) console.error(`native signature: ${p}`);
console.log(`native signatures: ${native.size} functions checked, ${problems.length} mismatch(es)`);
process.exitCode = problems.length ? 1 : 0;
