import assert from 'node:assert'
import { grownCapacity, IndexFile } from './index-file.ts'

export const TIME_INDEX_ENTRY_BYTES = 12
const TWO_POW_32 = 4294967296

export interface TimestampOffset {
  readonly timestamp: number
  readonly offset: number
}

/**
 * The time index of one segment (Kafka's TimeIndex): an entry (T, O) says the segment's max timestamp
 * first reached T in the batch whose last offset is O, so every record in earlier batches has a smaller
 * timestamp and a search for T can start at that batch. On disk each entry is 12 bytes (int64 timestamp,
 * int32 offset relative to the base offset). An entry is appended only when the segment's max timestamp grew, so timestamps strictly
 * increase. Held in typed arrays; the file is written behind (see IndexFile).
 *
 * Invariants: timestamps strictly increase, offsets never decrease. Single-threaded (event loop).
 */
export class TimeIndex {
  readonly baseOffset: number
  readonly maxEntries: number
  readonly file: IndexFile
  #timestamps: Float64Array
  #relOffsets: Int32Array
  #entries = 0

  constructor(baseOffset: number, maxIndexBytes: number, fileEntries = 0) {
    this.baseOffset = baseOffset
    this.maxEntries = Math.floor(maxIndexBytes / TIME_INDEX_ENTRY_BYTES)
    this.file = new IndexFile(TIME_INDEX_ENTRY_BYTES, fileEntries)
    this.#timestamps = new Float64Array(16)
    this.#relOffsets = new Int32Array(16)
  }

  get entries(): number {
    return this.#entries
  }

  isFull(): boolean {
    return this.#entries >= this.maxEntries
  }

  /** The last entry, or (-1, baseOffset) when empty (Kafka's lastEntry). */
  get lastEntry(): TimestampOffset {
    if (this.#entries === 0) return { timestamp: -1, offset: this.baseOffset }
    return {
      timestamp: this.#timestamps[this.#entries - 1]!,
      offset: this.baseOffset + this.#relOffsets[this.#entries - 1]!,
    }
  }

  entry(i: number): TimestampOffset {
    assert(i >= 0 && i < this.#entries, 'time index entry out of range')
    return { timestamp: this.#timestamps[i]!, offset: this.baseOffset + this.#relOffsets[i]! }
  }

  /**
   * Appends (timestamp, offset) when the timestamp is larger than the last entry's (Kafka's maybeAppend).
   * `skipFullCheck` lets the final entry of a segment be written even when the index is full.
   */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    if (!skipFullCheck) assert(!this.isFull(), 'time index is full')
    const last = this.lastEntry
    assert(this.#entries === 0 || offset >= last.offset, 'time index offsets must not decrease')
    if (timestamp <= last.timestamp) return
    const rel = offset - this.baseOffset
    assert(rel >= 0 && rel < 2 ** 31, 'time index offset outside int32 of the base offset')
    this.#ensureCapacity(this.#entries + 1)
    this.#timestamps[this.#entries] = timestamp
    this.#relOffsets[this.#entries] = rel
    this.#entries++
  }

  /** The entry with the largest timestamp <= target, or (-1, baseOffset) when none is (Kafka's lookup). */
  lookup(targetTimestamp: number): TimestampOffset {
    let lo = 0
    let hi = this.#entries - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.#timestamps[mid]! <= targetTimestamp) {
        found = mid
        lo = mid + 1
      } else {
        hi = mid - 1
      }
    }
    if (found < 0) return { timestamp: -1, offset: this.baseOffset }
    return { timestamp: this.#timestamps[found]!, offset: this.baseOffset + this.#relOffsets[found]! }
  }

  /** Removes every entry whose offset is >= `offset` (Kafka's TimeIndex.truncateTo). */
  truncateTo(offset: number): void {
    let n = this.#entries
    while (n > 0 && this.baseOffset + this.#relOffsets[n - 1]! >= offset) n--
    this.#truncateToEntries(n)
  }

  clear(): void {
    this.#truncateToEntries(0)
  }

  encode(from = 0, to = this.#entries): Buffer {
    const buf = Buffer.allocUnsafe((to - from) * TIME_INDEX_ENTRY_BYTES)
    for (let i = from; i < to; i++) {
      const p = (i - from) * TIME_INDEX_ENTRY_BYTES
      const ts = this.#timestamps[i]!
      const hi = Math.floor(ts / TWO_POW_32)
      buf.writeInt32BE(hi, p)
      buf.writeUInt32BE(ts - hi * TWO_POW_32, p + 4)
      buf.writeInt32BE(this.#relOffsets[i]!, p + 8)
    }
    return buf
  }

  persist(): Promise<void> {
    return this.file.persist(
      () => this.#entries,
      (from, to) => this.encode(from, to),
    )
  }

  get pendingEntries(): number {
    return Math.max(0, this.#entries - this.file.fileEntries)
  }

  /**
   * Loads entries read from a time index file; returns a reason when they are not a valid time index
   * (length, ordering, offsets below the base or at/after `offsetLimit`), else null.
   */
  load(data: Buffer, offsetLimit: number): string | null {
    if (data.length % TIME_INDEX_ENTRY_BYTES !== 0)
      return `time index file length ${data.length} is not a multiple of 12`
    const n = data.length / TIME_INDEX_ENTRY_BYTES
    // One entry more than the maximum is legal: the final entry of a rolled segment skips the full check.
    if (n > this.maxEntries + 1) return `time index has ${n} entries, more than the maximum ${this.maxEntries}`
    this.#timestamps = new Float64Array(grownCapacity(0, n))
    this.#relOffsets = new Int32Array(this.#timestamps.length)
    let prevTs = -1
    let prevRel = 0
    for (let i = 0; i < n; i++) {
      const p = i * TIME_INDEX_ENTRY_BYTES
      const ts = data.readInt32BE(p) * TWO_POW_32 + data.readUInt32BE(p + 4)
      const rel = data.readInt32BE(p + 8)
      if (ts <= prevTs || rel < prevRel || !Number.isSafeInteger(ts)) {
        this.#entries = 0
        return `time index entry ${i} (${ts}, ${rel}) does not follow (${prevTs}, ${prevRel})`
      }
      if (this.baseOffset + rel >= offsetLimit) {
        this.#entries = 0
        return `time index entry ${i} has offset ${this.baseOffset + rel} at or past ${offsetLimit}`
      }
      this.#timestamps[i] = ts
      this.#relOffsets[i] = rel
      prevTs = ts
      prevRel = rel
    }
    this.#entries = n
    this.file.resetFileEntries(n)
    return null
  }

  #truncateToEntries(n: number): void {
    if (n >= this.#entries) return
    this.#entries = n
    this.file.noteTruncated(n)
  }

  #ensureCapacity(needed: number): void {
    if (needed <= this.#timestamps.length) return
    const cap = grownCapacity(this.#timestamps.length, needed)
    const t = new Float64Array(cap)
    t.set(this.#timestamps.subarray(0, this.#entries))
    const r = new Int32Array(cap)
    r.set(this.#relOffsets.subarray(0, this.#entries))
    this.#timestamps = t
    this.#relOffsets = r
  }
}
