/**
 * The cleaner's key -> latest offset map (Kafka's SkimpyOffsetMap): keys are stored as 128-bit hashes
 * (MurmurHash3 x86_128, the role MD5 plays in Kafka), so memory per key is fixed (24 bytes per slot) and
 * bounded by log.cleaner.dedupe.buffer.size whatever the key sizes. Like Kafka, two keys whose 128-bit
 * hashes collide are treated as one key; the probability is negligible (about n^2 / 2^129).
 *
 * Open addressing with linear probing over typed arrays; the table starts small and doubles (rehashing)
 * until it reaches `slotsMax`. `keysMax` says how many keys fit before the load passes `loadFactor` at
 * that size, so the caller stops mapping there (the rest of the log stays dirty for the next round).
 * Single-threaded.
 */

const SLOTS_MIN = 1 << 12
/** Bytes per slot: four int32 hash words and one float64 offset. */
export const OFFSET_MAP_SLOT_BYTES = 24

const C1 = 0x239b961b
const C2 = 0xab0e9789
const C3 = 0x38b34ae5
const C4 = 0xa1e38b93

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r))
}

function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

function word(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)
}

/** MurmurHash3_x86_128 of `key[start, end)`, written into `out[0..4)`. */
export function murmur3x86x128(key: Uint8Array, start: number, end: number, out: Int32Array, seed = 0): void {
  const len = end - start
  const blocks = start + (len - (len % 16))
  let h1 = seed
  let h2 = seed
  let h3 = seed
  let h4 = seed
  for (let i = start; i < blocks; i += 16) {
    let k1 = word(key, i)
    let k2 = word(key, i + 4)
    let k3 = word(key, i + 8)
    let k4 = word(key, i + 12)
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2)
    h1 = Math.imul(rotl(h1 ^ k1, 19) + h2, 5) + 0x561ccd1b
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3)
    h2 = Math.imul(rotl(h2 ^ k2, 17) + h3, 5) + 0x0bcaa747
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4)
    h3 = Math.imul(rotl(h3 ^ k3, 15) + h4, 5) + 0x96cd1c35
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1)
    h4 = Math.imul(rotl(h4 ^ k4, 13) + h1, 5) + 0x32ac3b17
  }
  const rem = len & 15
  let k1 = 0
  let k2 = 0
  let k3 = 0
  let k4 = 0
  for (let j = 0; j < rem; j++) {
    const v = key[blocks + j]! << ((j & 3) * 8)
    if (j >= 12) k4 ^= v
    else if (j >= 8) k3 ^= v
    else if (j >= 4) k2 ^= v
    else k1 ^= v
  }
  if (rem > 12) h4 ^= Math.imul(rotl(Math.imul(k4, C4), 18), C1)
  if (rem > 8) h3 ^= Math.imul(rotl(Math.imul(k3, C3), 17), C4)
  if (rem > 4) h2 ^= Math.imul(rotl(Math.imul(k2, C2), 16), C3)
  if (rem > 0) h1 ^= Math.imul(rotl(Math.imul(k1, C1), 15), C2)
  h1 ^= len
  h2 ^= len
  h3 ^= len
  h4 ^= len
  h1 = (h1 + h2 + h3 + h4) | 0
  h2 = (h2 + h1) | 0
  h3 = (h3 + h1) | 0
  h4 = (h4 + h1) | 0
  h1 = fmix(h1)
  h2 = fmix(h2)
  h3 = fmix(h3)
  h4 = fmix(h4)
  h1 = (h1 + h2 + h3 + h4) | 0
  h2 = (h2 + h1) | 0
  h3 = (h3 + h1) | 0
  h4 = (h4 + h1) | 0
  out[0] = h1
  out[1] = h2
  out[2] = h3
  out[3] = h4
}

export class OffsetMap {
  readonly slotsMax: number
  readonly loadFactor: number
  #hashes: Int32Array
  #offsets: Float64Array
  #slots: number
  #size = 0
  #latestOffset = -1
  readonly #scratch = new Int32Array(4)
  /** Lookups and inserts, for the cleaner's statistics. */
  probes = 0

  /** `bytesMax`: log.cleaner.dedupe.buffer.size for this map; `loadFactor`: log.cleaner.io.buffer.load.factor. */
  constructor(bytesMax: number, loadFactor = 0.9) {
    let slots = SLOTS_MIN
    while (slots * 2 * OFFSET_MAP_SLOT_BYTES <= bytesMax) slots *= 2
    this.slotsMax = slots
    this.loadFactor = loadFactor
    this.#slots = Math.min(SLOTS_MIN, slots)
    this.#hashes = new Int32Array(this.#slots * 4)
    this.#offsets = new Float64Array(this.#slots).fill(-1)
  }

  get size(): number {
    return this.#size
  }

  /** The largest offset put so far, -1 when none. */
  get latestOffset(): number {
    return this.#latestOffset
  }

  /** Current memory of the table in bytes. */
  get bytes(): number {
    return this.#slots * OFFSET_MAP_SLOT_BYTES
  }

  /** The most keys the map takes without exceeding its load factor at its largest size. */
  get keysMax(): number {
    return Math.floor(this.slotsMax * this.loadFactor)
  }

  /** Records `offset` as the latest for the key in `buf[start, end)`. Offsets must be put in increasing order. */
  put(buf: Uint8Array, start: number, end: number, offset: number): void {
    murmur3x86x128(buf, start, end, this.#scratch)
    const s = this.#scratch
    let i = this.#find(s[0]!, s[1]!, s[2]!, s[3]!)
    if (this.#offsets[i]! < 0) {
      if ((this.#size + 1) * 2 > this.#slots && this.#slots < this.slotsMax) {
        this.#grow()
        i = this.#find(s[0]!, s[1]!, s[2]!, s[3]!)
      }
      const h = i * 4
      this.#hashes[h] = s[0]!
      this.#hashes[h + 1] = s[1]!
      this.#hashes[h + 2] = s[2]!
      this.#hashes[h + 3] = s[3]!
      this.#size++
    }
    this.#offsets[i] = offset
    if (offset > this.#latestOffset) this.#latestOffset = offset
  }

  /** The latest offset put for the key in `buf[start, end)`, or -1. */
  get(buf: Uint8Array, start: number, end: number): number {
    murmur3x86x128(buf, start, end, this.#scratch)
    const s = this.#scratch
    return this.#offsets[this.#find(s[0]!, s[1]!, s[2]!, s[3]!)]!
  }

  /** Marks the mapped range as reaching `offset` even when no key there was put (Kafka's updateLatestOffset). */
  updateLatestOffset(offset: number): void {
    if (offset > this.#latestOffset) this.#latestOffset = offset
  }

  clear(): void {
    this.#hashes.fill(0)
    this.#offsets.fill(-1)
    this.#size = 0
    this.#latestOffset = -1
  }

  /** The slot holding the hash, or the empty slot where it would go. */
  #find(a: number, b: number, c: number, d: number): number {
    const mask = this.#slots - 1
    let i = (a ^ c) & mask
    for (;;) {
      this.probes++
      if (this.#offsets[i]! < 0) return i
      const h = i * 4
      if (this.#hashes[h] === a && this.#hashes[h + 1] === b && this.#hashes[h + 2] === c && this.#hashes[h + 3] === d)
        return i
      i = (i + 1) & mask
    }
  }

  #grow(): void {
    const oldHashes = this.#hashes
    const oldOffsets = this.#offsets
    const oldSlots = this.#slots
    this.#slots = oldSlots * 2
    this.#hashes = new Int32Array(this.#slots * 4)
    this.#offsets = new Float64Array(this.#slots).fill(-1)
    for (let j = 0; j < oldSlots; j++) {
      const offset = oldOffsets[j]!
      if (offset < 0) continue
      const h = j * 4
      const i = this.#find(oldHashes[h]!, oldHashes[h + 1]!, oldHashes[h + 2]!, oldHashes[h + 3]!)
      this.#hashes.set(oldHashes.subarray(h, h + 4), i * 4)
      this.#offsets[i] = offset
    }
  }
}
