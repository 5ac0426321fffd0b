/**
 * A minimal ONNX ModelProto writer (hand-encoded protobuf), enough to build small test graphs that
 * the real onnxruntime-node loads. Field numbers follow onnx/onnx.proto3. Test support only.
 */

export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;
export const ONNX_INT32 = 6;

export interface TensorInit {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export interface ValueInfo {
  readonly name: string;
  readonly elemType: number;
  /** A number is a fixed size, a string a symbolic (dynamic) dimension. */
  readonly shape: readonly (number | string)[];
}

export interface NodeSpec {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly intAttrs?: Readonly<Record<string, number>>;
  readonly intsAttrs?: Readonly<Record<string, readonly number[]>>;
}

export interface GraphSpec {
  readonly nodes: readonly NodeSpec[];
  readonly initializers: readonly TensorInit[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly opset?: number;
}

class Writer {
  private readonly parts: Uint8Array[] = [];

  private varint(value: bigint | number): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const bytes: number[] = [];
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) b |= 0x80;
      bytes.push(b);
    } while (v !== 0n);
    this.parts.push(Uint8Array.from(bytes));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(value.length);
    this.parts.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const total = this.parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let off = 0;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}

function writeValueInfo(w: Writer, v: ValueInfo): void {
  w.string(1, v.name).message(2, (type) =>
    type.message(1, (tensor) =>
      tensor.int(1, v.elemType).message(2, (shape) => {
        for (const d of v.shape)
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      }),
    ),
  );
}

function writeTensor(w: Writer, t: TensorInit): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, ONNX_FLOAT).string(8, t.name);
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)); // raw_data, little-endian
}

function writeNode(w: Writer, n: NodeSpec, index: number): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, `${n.opType}_${index}`).string(4, n.opType);
  for (const [name, value] of Object.entries(n.intAttrs ?? {}))
    w.message(5, (a) => a.string(1, name).int(3, value).int(20, 2)); // AttributeType.INT
  for (const [name, values] of Object.entries(n.intsAttrs ?? {}))
    w.message(5, (a) => {
      a.string(1, name);
      for (const v of values) a.int(8, v);
      a.int(20, 7); // AttributeType.INTS
    });
}

/** Serialises a ModelProto (IR version 8, default-domain opset `opset`, default 13). */
export function encodeOnnxModel(spec: GraphSpec): Uint8Array {
  const model = new Writer();
  model.int(1, 8).string(2, 'voiceassist-test');
  model.message(7, (g) => {
    spec.nodes.forEach((n, i) => g.message(1, (w) => writeNode(w, n, i)));
    g.string(2, 'test_graph');
    for (const t of spec.initializers) g.message(5, (w) => writeTensor(w, t));
    for (const v of spec.inputs) g.message(11, (w) => writeValueInfo(w, v));
    for (const v of spec.outputs) g.message(12, (w) => writeValueInfo(w, v));
  });
  model.message(8, (o) => o.string(1, '').int(2, spec.opset ?? 13));
  return model.finish();
}
