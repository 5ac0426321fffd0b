/**
 * A sorted word list packed into one typed array of UTF-16 code units plus one array of word
 * starts, searched by binary search. The lexicon's ~470k words as JavaScript strings in `Set`s
 * took ~85 MB of heap and ~400 ms to build; packed they take ~6 MB and are built in one pass over
 * the front-coded text without creating a string per word.
 */
export interface WordSet {
  has(word: string): boolean;
}

export class PackedWordSet implements WordSet {
  private constructor(
    /** Code units of every word, back to back: one byte each when all of them fit in Latin-1. */
    private readonly units: Uint8Array | Uint16Array,
    /** Word i spans units[starts[i], starts[i + 1]). */
    private readonly starts: Uint32Array,
  ) {}

  get size(): number {
    return this.starts.length - 1;
  }

  has(word: string): boolean {
    const { units, starts } = this;
    let lo = 0;
    let hi = starts.length - 2;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareAt(word, units, starts[mid] ?? 0, starts[mid + 1] ?? 0);
      if (c === 0) return true;
      if (c < 0) hi = mid - 1;
      else lo = mid + 1;
    }
    return false;
  }

  /** Every word in order (for the small lists other structures are derived from). */
  *[Symbol.iterator](): IterableIterator<string> {
    for (let i = 0; i + 1 < this.starts.length; i++)
      yield String.fromCharCode(...this.units.subarray(this.starts[i], this.starts[i + 1]));
  }

  /**
   * From a front-coded list (lexicon-data.ts: per line one character `48 + shared prefix length`,
   * then the rest of the word), which must be strictly ascending in UTF-16 order (the order of
   * `Array.prototype.sort`): binary search relies on it, so a list out of order throws.
   */
  static fromFrontCoded(encoded: string): PackedWordSet {
    let count = 0;
    let total = 0;
    let wide = false;
    let prevLength = 0;
    for (let from = 0; from < encoded.length;) {
      let to = encoded.indexOf('\n', from);
      if (to === -1) to = encoded.length;
      const shared = encoded.charCodeAt(from) - 48;
      if (shared < 0 || shared > prevLength)
        throw new Error(`front-coded list: bad prefix length on line ${count + 1}`);
      for (let i = from + 1; i < to; i++) if (encoded.charCodeAt(i) > 0xff) wide = true;
      prevLength = shared + (to - from - 1);
      total += prevLength;
      count++;
      from = to + 1;
    }
    const units = wide ? new Uint16Array(total) : new Uint8Array(total);
    const starts = new Uint32Array(count + 1);
    let pos = 0;
    let prevStart = 0;
    let n = 0;
    for (let from = 0; from < encoded.length;) {
      let to = encoded.indexOf('\n', from);
      if (to === -1) to = encoded.length;
      const shared = encoded.charCodeAt(from) - 48;
      const prevEnd = pos;
      units.copyWithin(pos, prevStart, prevStart + shared);
      for (let i = from + 1; i < to; i++)
        units[pos + shared + i - from - 1] = encoded.charCodeAt(i);
      const length = shared + (to - from - 1);
      // Strictly after the previous word. The shared prefix is capped (40 units), so the words may
      // agree beyond it.
      if (n > 0) {
        const prevLen = prevEnd - prevStart;
        let i = shared;
        const m = Math.min(length, prevLen);
        while (i < m && units[pos + i] === units[prevStart + i]) i++;
        const ascending =
          i < m ? (units[pos + i] ?? 0) > (units[prevStart + i] ?? 0) : length > prevLen;
        if (!ascending) throw new Error(`front-coded list: line ${n + 1} is out of order`);
      }
      starts[n++] = pos;
      prevStart = pos;
      pos += length;
      from = to + 1;
    }
    starts[n] = pos;
    return new PackedWordSet(units, starts);
  }
}

/** Sign of `word` compared with units[start, end), code unit by code unit. */
function compareAt(
  word: string,
  units: Uint8Array | Uint16Array,
  start: number,
  end: number,
): number {
  const length = end - start;
  const n = Math.min(word.length, length);
  for (let i = 0; i < n; i++) {
    const d = word.charCodeAt(i) - (units[start + i] ?? 0);
    if (d !== 0) return d;
  }
  return word.length - length;
}
