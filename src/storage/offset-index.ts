import assert from 'node:assert'
import { grownCapacity, IndexFile } from './index-file.ts'

export const OFFSET_INDEX_ENTRY_BYTES = 8
const INT32_MAX = 2 ** 31 - 1

export interface OffsetPosition {
  readonly offset: number
  readonly position: number
}

/**
 * The sparse offset index of one segment (Kafka's OffsetIndex): entries map an absolute offset to the byte
 * position of the batch that starts a run of the log. On disk each entry is 8 bytes (int32 offset relative
 * to the segment's base offset, int32 position). Lookups are served from typed arrays in memory; the file
 * is written behind (see IndexFile) and rebuilt from the log when missing or inconsistent.
 *
 * Invariants: relative offsets and positions strictly increase; entries <= maxEntries, except the
 * no-check appends Kafka allows nowhere for this index. Single-threaded (event loop).
 */
export class OffsetIndex {
  readonly baseOffset: number
  readonly maxEntries: number
  readonly file: IndexFile
  #relOffsets: Int32Array
  #positions: Int32Array
  #entries = 0

  constructor(baseOffset: number, maxIndexBytes: number, fileEntries = 0) {
    this.baseOffset = baseOffset
    this.maxEntries = Math.floor(maxIndexBytes / OFFSET_INDEX_ENTRY_BYTES)
    this.file = new IndexFile(OFFSET_INDEX_ENTRY_BYTES, fileEntries)
    this.#relOffsets = new Int32Array(16)
    this.#positions = new Int32Array(16)
  }

  get entries(): number {
    return this.#entries
  }

  isFull(): boolean {
    return this.#entries >= this.maxEntries
  }

  /** The last indexed offset, or the base offset when empty. */
  get lastOffset(): number {
    return this.#entries === 0 ? this.baseOffset : this.baseOffset + this.#relOffsets[this.#entries - 1]!
  }

  get lastPosition(): number {
    return this.#entries === 0 ? 0 : this.#positions[this.#entries - 1]!
  }

  entry(i: number): OffsetPosition {
    assert(i >= 0 && i < this.#entries, 'offset index entry out of range')
    return { offset: this.baseOffset + this.#relOffsets[i]!, position: this.#positions[i]! }
  }

  append(offset: number, position: number): void {
    const rel = offset - this.baseOffset
    assert(rel >= 0 && rel <= INT32_MAX, 'offset index entry offset outside int32 of the base offset')
    assert(!this.isFull(), 'offset index is full')
    if (this.#entries > 0) {
      assert(rel > this.#relOffsets[this.#entries - 1]!, 'offset index entries must have increasing offsets')
      assert(position > this.#positions[this.#entries - 1]!, 'offset index entries must have increasing positions')
    }
    this.#ensureCapacity(this.#entries + 1)
    this.#relOffsets[this.#entries] = rel
    this.#positions[this.#entries] = position
    this.#entries++
  }

  /** The entry with the largest offset <= target, or (baseOffset, 0) when none is. */
  lookup(targetOffset: number): OffsetPosition {
    const i = this.#floorIndex(targetOffset - this.baseOffset)
    if (i < 0) return { offset: this.baseOffset, position: 0 }
    return { offset: this.baseOffset + this.#relOffsets[i]!, position: this.#positions[i]! }
  }

  /** Removes every entry whose offset is >= `offset` (Kafka's OffsetIndex.truncateTo). */
  truncateTo(offset: number): void {
    const rel = offset - this.baseOffset
    let n = this.#floorIndex(rel) + 1
    if (n > 0 && this.#relOffsets[n - 1] === rel) n--
    this.#truncateToEntries(n)
  }

  /** Removes every entry whose position is >= `position`. */
  truncateToPosition(position: number): void {
    let n = this.#entries
    while (n > 0 && this.#positions[n - 1]! >= position) n--
    this.#truncateToEntries(n)
  }

  clear(): void {
    this.#truncateToEntries(0)
  }

  /** Encodes entries [from, to) as they are stored on disk. */
  encode(from = 0, to = this.#entries): Buffer {
    const buf = Buffer.allocUnsafe((to - from) * OFFSET_INDEX_ENTRY_BYTES)
    for (let i = from; i < to; i++) {
      const p = (i - from) * OFFSET_INDEX_ENTRY_BYTES
      buf.writeInt32BE(this.#relOffsets[i]!, p)
      buf.writeInt32BE(this.#positions[i]!, p + 4)
    }
    return buf
  }

  /** Writes the entries not yet in the file (no-op without an attached fd). */
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
   * Loads entries read from an index file. Returns a reason when the content is not a valid index for a
   * segment of `logBytes` bytes (Kafka's sanityCheck, plus ordering of every entry), else null.
   */
  load(data: Buffer, logBytes: number): string | null {
    if (data.length % OFFSET_INDEX_ENTRY_BYTES !== 0) return `index file length ${data.length} is not a multiple of 8`
    const n = data.length / OFFSET_INDEX_ENTRY_BYTES
    if (n > this.maxEntries) return `index has ${n} entries, more than the maximum ${this.maxEntries}`
    this.#relOffsets = new Int32Array(grownCapacity(0, n))
    this.#positions = new Int32Array(this.#relOffsets.length)
    let prevRel = -1
    let prevPos = -1
    for (let i = 0; i < n; i++) {
      const rel = data.readInt32BE(i * OFFSET_INDEX_ENTRY_BYTES)
      const pos = data.readInt32BE(i * OFFSET_INDEX_ENTRY_BYTES + 4)
      if (rel <= prevRel || pos <= prevPos || rel < 0 || pos < 0) {
        this.#entries = 0
        return `index entry ${i} (${rel}, ${pos}) does not follow (${prevRel}, ${prevPos})`
      }
      if (pos >= logBytes) {
        this.#entries = 0
        return `index entry ${i} points at position ${pos} past the log end ${logBytes}`
      }
      this.#relOffsets[i] = rel
      this.#positions[i] = pos
      prevRel = rel
      prevPos = pos
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

  #floorIndex(rel: number): number {
    let lo = 0
    let hi = this.#entries - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.#relOffsets[mid]! <= rel) {
        found = mid
        lo = mid + 1
      } else {
        hi = mid - 1
      }
    }
    return found
  }

  #ensureCapacity(needed: number): void {
    if (needed <= this.#relOffsets.length) return
    const cap = grownCapacity(this.#relOffsets.length, needed)
    const r = new Int32Array(cap)
    r.set(this.#relOffsets.subarray(0, this.#entries))
    const p = new Int32Array(cap)
    p.set(this.#positions.subarray(0, this.#entries))
    this.#relOffsets = r
    this.#positions = p
  }
}
