/**
 * Hamming distances between one binary query vector and a matrix of binary vectors, in
 * WebAssembly SIMD (`i8x16.popcnt`): a 100k x 512-bit scan is 6.4 MB of XOR + popcount, well
 * under a millisecond, where sqlite-vec's `bit[]` k-NN takes 4-10 ms on this hardware and a
 * scalar JavaScript loop about 7 ms (bench/knowledge).
 *
 * The module is small enough to be written out here, instruction by instruction, in the text
 * format's order; `hamming.test.ts` checks it against a scalar reference.
 *
 *   (func (export "hamming") (param $q i32) (param $base i32) (param $n i32)
 *                            (param $chunks i32) (param $out i32)
 *     (local $i i32) (local $j i32) (local $p i32) (local $acc v128)
 *     p = base
 *     block  loop
 *       br_if 1 (i >= n)
 *       acc = 0; j = 0
 *       loop  acc = i8x16.add(acc, popcnt(xor(load(p), load(q + j*16))));  p += 16;  br_if 0 (++j < chunks)  end
 *       i32.store16 (out + i*2) (sum of the 16 byte lanes of acc)
 *       i++;  br 0
 *     end  end)
 *
 * Byte lanes cannot overflow: a lane gains at most 8 per 16-byte chunk, and vectors are limited
 * to MAX_CHUNKS chunks.
 */

/** The part of the WebAssembly JS API used here (the Node preset's libs do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmModule {
  readonly kind?: 'module';
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const SIMD = 0xfd;
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  i32Store16: 0x3b,
  i32Const: 0x41,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Shl: 0x74,
  empty: 0x40,
} as const;
const simd = {
  load: [SIMD, 0x00, 0x00, 0x00], // v128.load align=1 offset=0
  const0: [SIMD, 0x0c, ...new Array<number>(16).fill(0)],
  xor: [SIMD, 0x51],
  popcnt: [SIMD, 0x62],
  add8: [SIMD, 0x6e],
  pairwise8: [SIMD, 0x7d], // i16x8.extadd_pairwise_i8x16_u
  pairwise16: [SIMD, 0x7f], // i32x4.extadd_pairwise_i16x8_u
  lane: (n: number) => [SIMD, 0x1b, n], // i32x4.extract_lane
} as const;
const [Q, BASE, N, CHUNKS, OUT, I, J, P, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const;

/** Largest vector, in 16-byte chunks, whose byte lanes cannot overflow (31 * 8 = 248). */
export const MAX_CHUNKS = 31;

const body = [
  ...[0x02, 0x03, 0x7f, 0x01, 0x7b], // locals: 3 x i32, 1 x v128
  ...[op.get, BASE, op.set, P],
  ...[op.block, op.empty, op.loop, op.empty],
  ...[op.get, I, op.get, N, op.i32GeU, op.brIf, 1],
  ...simd.const0,
  ...[op.set, ACC, op.i32Const, 0, op.set, J],
  ...[op.loop, op.empty],
  ...[op.get, ACC, op.get, P, ...simd.load],
  ...[op.get, Q, op.get, J, op.i32Const, 4, op.i32Shl, op.i32Add, ...simd.load],
  ...simd.xor,
  ...simd.popcnt,
  ...simd.add8,
  ...[op.set, ACC],
  ...[op.get, P, op.i32Const, 16, op.i32Add, op.set, P],
  ...[op.get, J, op.i32Const, 1, op.i32Add, op.tee, J, op.get, CHUNKS, op.i32LtU, op.brIf, 0],
  op.end,
  ...[op.get, OUT, op.get, I, op.i32Const, 1, op.i32Shl, op.i32Add],
  ...[op.get, ACC, ...simd.pairwise8, ...simd.pairwise16, op.tee, ACC, ...simd.lane(0)],
  ...[op.get, ACC, ...simd.lane(1), op.i32Add],
  ...[op.get, ACC, ...simd.lane(2), op.i32Add],
  ...[op.get, ACC, ...simd.lane(3), op.i32Add],
  ...[op.i32Store16, 0x01, 0x00],
  ...[op.get, I, op.i32Const, 1, op.i32Add, op.set, I],
  ...[op.br, 0],
  ...[op.end, op.end, op.end],
];

const ascii = (s: string): number[] => [s.length, ...Buffer.from(s, 'ascii')];
const section = (id: number, content: number[]): number[] => [
  id,
  ...uleb(content.length),
  ...content,
];

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const MODULE = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, [0x01, 0x60, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00]), // (i32 x5) -> ()
  ...section(2, [0x01, ...ascii('env'), ...ascii('memory'), 0x02, 0x00, 0x01]), // memory, min 1
  ...section(3, [0x01, 0x00]),
  ...section(7, [0x01, ...ascii('hamming'), 0x00, 0x00]),
  ...section(10, [0x01, ...uleb(body.length), ...body]),
]);

let compiled: WasmModule | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is unavailable. */
function kernel(): WasmModule | null {
  if (compiled === undefined) compiled = wasm.validate(MODULE) ? new wasm.Module(MODULE) : null;
  return compiled;
}

const PAGE = 65_536;
const QUERY_BYTES = MAX_CHUNKS * 16;

/**
 * Rows of `bytes`-byte binary vectors in WebAssembly memory, with a scalar fallback for sizes the
 * kernel does not take (not a multiple of 16 bytes, or longer than MAX_CHUNKS chunks).
 */
export class HammingMatrix {
  private readonly memory: WasmMemory;
  private readonly run:
    ((q: number, base: number, n: number, chunks: number, out: number) => void) | null;
  private capacity = 0;
  private rows = 0;
  private outAt = QUERY_BYTES;
  private baseAt = QUERY_BYTES;

  constructor(readonly bytes: number) {
    const mod = bytes % 16 === 0 && bytes / 16 <= MAX_CHUNKS ? kernel() : null;
    this.memory = new wasm.Memory({ initial: 1 });
    this.run = mod ? this.instantiate(mod) : null;
    this.reserve(1024);
  }

  private instantiate(mod: WasmModule): HammingMatrix['run'] {
    const instance = new wasm.Instance(mod, { env: { memory: this.memory } });
    return instance.exports.hamming as HammingMatrix['run'];
  }

  get length(): number {
    return this.rows;
  }

  /** Grows capacity to at least `rows` rows (layout: query | distances | vectors). */
  private reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, this.capacity * 2);
    const outAt = QUERY_BYTES;
    const baseAt = outAt + Math.ceil((capacity * 2) / 16) * 16;
    const needed = baseAt + capacity * this.bytes;
    const old = new Uint8Array(this.memory.buffer).slice(
      this.baseAt,
      this.baseAt + this.rows * this.bytes,
    );
    const pages = Math.ceil(needed / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.memory.grow(pages);
    new Uint8Array(this.memory.buffer).set(old, baseAt);
    this.capacity = capacity;
    this.outAt = outAt;
    this.baseAt = baseAt;
  }

  /** Appends a row; returns its index. */
  push(bits: Uint8Array): number {
    if (bits.length !== this.bytes)
      throw new Error(`expected ${this.bytes} bytes, got ${bits.length}`);
    this.reserve(this.rows + 1);
    new Uint8Array(this.memory.buffer, this.baseAt + this.rows * this.bytes, this.bytes).set(bits);
    return this.rows++;
  }

  /** Removes row `i` by moving the last row into its place; returns the moved row's old index. */
  swapRemove(i: number): number {
    const last = this.rows - 1;
    if (i !== last) {
      const mem = new Uint8Array(this.memory.buffer);
      mem.copyWithin(
        this.baseAt + i * this.bytes,
        this.baseAt + last * this.bytes,
        this.baseAt + (last + 1) * this.bytes,
      );
    }
    this.rows = last;
    return last;
  }

  /** Hamming distance from `query` to every row. The view is valid until the next call. */
  distances(query: Uint8Array): Uint16Array {
    if (query.length !== this.bytes)
      throw new Error(`expected ${this.bytes} bytes, got ${query.length}`);
    const mem = new Uint8Array(this.memory.buffer);
    const out = new Uint16Array(this.memory.buffer, this.outAt, this.rows);
    if (this.run) {
      mem.set(query, 0);
      this.run(0, this.baseAt, this.rows, this.bytes / 16, this.outAt);
      return out;
    }
    for (let r = 0; r < this.rows; r++) {
      let d = 0;
      const at = this.baseAt + r * this.bytes;
      for (let b = 0; b < this.bytes; b++) d += POPCOUNT[(mem[at + b] ?? 0) ^ (query[b] ?? 0)] ?? 0;
      out[r] = d;
    }
    return out;
  }

  /** Whether the SIMD kernel serves this matrix (false: the scalar fallback). */
  get accelerated(): boolean {
    return this.run !== null;
  }
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let x = b; x; x &= x - 1) n++;
  return n;
});

/**
 * Indices of the `k` smallest distances (ties to the lower index), smallest first: a counting
 * pass finds the cut-off distance, so the cost is linear in the rows, not k * rows.
 */
export function smallest(distances: Uint16Array, k: number, maxDistance: number): number[] {
  const n = distances.length;
  if (k <= 0 || n === 0) return [];
  const hist = histogram(maxDistance + 1);
  for (let i = 0; i < n; i++) {
    const d = distances[i] ?? 0;
    hist[d] = (hist[d] ?? 0) + 1;
  }
  let threshold = 0;
  for (let seen = 0; threshold <= maxDistance; threshold++) {
    seen += hist[threshold] ?? 0;
    if (seen >= k) break;
  }
  const picked: number[] = [];
  for (let i = 0; i < n; i++) if ((distances[i] ?? 0) <= threshold) picked.push(i);
  picked.sort((a, b) => (distances[a] ?? 0) - (distances[b] ?? 0) || a - b);
  return picked.slice(0, k);
}

let histBuffer = new Uint32Array(0);

/** A zeroed counting array of `size` entries, reused between calls. */
function histogram(size: number): Uint32Array {
  if (histBuffer.length < size) histBuffer = new Uint32Array(size);
  const hist = histBuffer.subarray(0, size);
  hist.fill(0);
  return hist;
}
