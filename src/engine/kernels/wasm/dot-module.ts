/**
 * The bytes of a WebAssembly module with one function, `dot(a, b, k) -> f64`: the sum over
 * j < k of f32 at byte a + 4j times f32 at byte b + 4j, each product and sum in f64, added one
 * at a time in index order (four per loop pass), so it gives the same bits as dotF32. Memory is
 * imported as env.memory. Written out here rather than built from a .wat file so that the build
 * needs no WebAssembly toolchain; the twin test checks it against dotF32.
 */
export function dotModuleBytes(): Uint8Array {
  const body = [
    [1, 1, F64], // one extra local: s (index 3)
    // while (k >= 4) { s = s + a[0]*b[0] + a[1]*b[1] + a[2]*b[2] + a[3]*b[3]; a += 16; b += 16; k -= 4 }
    [BLOCK, VOID, LOOP, VOID],
    [...get(K), I32_CONST, 4, I32_LT_U, BR_IF, 1],
    [...get(S), ...term(0), ...term(4), ...term(8), ...term(12), ...set(S)],
    [...add(A, 16), ...add(B, 16), ...add(K, -4)],
    [BR, 0, END, END],
    // while (k != 0) { s = s + a[0]*b[0]; a += 4; b += 4; k -= 1 }
    [BLOCK, VOID, LOOP, VOID],
    [...get(K), I32_EQZ, BR_IF, 1],
    [...get(S), ...term(0), ...set(S)],
    [...add(A, 4), ...add(B, 4), ...add(K, -1)],
    [BR, 0, END, END],
    [...get(S), END],
  ].flat();
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0], // "\0asm", version 1
    ...section(1, [1, FUNC, 3, I32, I32, I32, 1, F64]), // type 0: (i32, i32, i32) -> f64
    ...section(2, [1, ...name('env'), ...name('memory'), 2, 0, 0]), // import memory, min 0 pages
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(7, [1, ...name('dot'), 0, 0]), // export function 0 as "dot"
    ...section(10, [1, ...leb(body.length), ...body]), // its code
  ]);
}

// Locals: the three parameters, then s.
const A = 0;
const B = 1;
const K = 2;
const S = 3;

// Opcodes and type codes (WebAssembly core spec, binary format).
const FUNC = 0x60;
const I32 = 0x7f;
const F64 = 0x7c;
const VOID = 0x40;
const BLOCK = 0x02;
const LOOP = 0x03;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const F32_LOAD = 0x2a;
const I32_CONST = 0x41;
const I32_EQZ = 0x45;
const I32_LT_U = 0x49;
const I32_ADD = 0x6a;
const F64_ADD = 0xa0;
const F64_MUL = 0xa2;
const F64_PROMOTE_F32 = 0xbb;

function get(local: number): number[] {
  return [LOCAL_GET, local];
}

function set(local: number): number[] {
  return [LOCAL_SET, local];
}

/** local += by, for -64 <= by < 64 (a one-byte signed LEB128 constant). */
function add(local: number, by: number): number[] {
  return [...get(local), I32_CONST, by & 0x7f, I32_ADD, ...set(local)];
}

/** Pushes f64(a[at]) * f64(b[at]) and adds it to the value below it on the stack. */
function term(at: number): number[] {
  const load = (local: number) => [...get(local), F32_LOAD, 2, at, F64_PROMOTE_F32]; // align 4, offset < 128
  return [...load(A), ...load(B), F64_MUL, F64_ADD];
}

function section(id: number, bytes: number[]): number[] {
  return [id, ...leb(bytes.length), ...bytes];
}

function name(s: string): number[] {
  return [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
}

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}
