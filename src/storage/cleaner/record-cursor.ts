import { SamsaError, SamsaErrorCode } from '../../common/errors.ts'

/**
 * A zero-copy walk over the records of a v2 batch's (decompressed) records section, for the cleaner and
 * for the key check of compacted topics. Record layout: length varint, attributes int8, timestampDelta
 * varlong, offsetDelta varint, key (varint length, -1 = null), value (same), headers. The cursor exposes
 * positions, never copies, so a retained record's key, value and headers can be copied verbatim.
 */
export class RecordCursor {
  readonly buf: Buffer
  #pos: number
  readonly #end: number
  #remaining: number
  /** Current record: [recordStart, recordEnd) including its length prefix. */
  recordStart = 0
  recordEnd = 0
  /** The record's attributes byte (unused by Kafka so far, copied as is). */
  attributes = 0
  timestampDelta = 0
  offsetDelta = 0
  /** Start of the key length varint: key, value and headers run from here to recordEnd. */
  tailStart = 0
  /** Key bytes [keyStart, keyEnd); keyStart is -1 for a null key. */
  keyStart = -1
  keyEnd = -1
  /** True when the value is null (a tombstone). */
  valueIsNull = false

  constructor(buf: Buffer, start: number, end: number, count: number) {
    if (count < 0 || count > end - start) throw corrupt(`record count ${count} exceeds the ${end - start} record bytes`)
    this.buf = buf
    this.#pos = start
    this.#end = end
    this.#remaining = count
  }

  /** Moves to the next record; false after the last. Throws StorageCorrupt on malformed bytes. */
  next(): boolean {
    if (this.#remaining === 0) {
      if (this.#pos !== this.#end) throw corrupt(`${this.#end - this.#pos} bytes after the declared records`)
      return false
    }
    this.#remaining--
    this.recordStart = this.#pos
    const length = this.#varint()
    const bodyStart = this.#pos
    const end = bodyStart + length
    if (length < 1 || end > this.#end) throw corrupt(`record length ${length} exceeds the batch`)
    this.attributes = this.buf[this.#pos++]!
    this.timestampDelta = this.#varint()
    this.offsetDelta = this.#varint()
    this.tailStart = this.#pos
    const keyLength = this.#varint()
    if (keyLength < -1) throw corrupt(`invalid key length ${keyLength}`)
    this.keyStart = keyLength < 0 ? -1 : this.#pos
    this.keyEnd = keyLength < 0 ? -1 : this.#pos + keyLength
    if (keyLength > 0) this.#pos += keyLength
    const valueLength = this.#varint()
    if (valueLength < -1) throw corrupt(`invalid value length ${valueLength}`)
    this.valueIsNull = valueLength < 0
    if (this.#pos > end || this.keyEnd > end) throw corrupt('record fields exceed the record length')
    this.#pos = end
    this.recordEnd = end
    return true
  }

  get hasKey(): boolean {
    return this.keyStart >= 0
  }

  /** A zig-zag varint or varlong as a number (exact within 2^53). */
  #varint(): number {
    let value = 0
    let shift = 1
    for (let i = 0; i < 10; i++) {
      if (this.#pos >= this.#end) throw corrupt('varint past the end of the records')
      const b = this.buf[this.#pos++]!
      value += (b & 0x7f) * shift
      if ((b & 0x80) === 0) return value % 2 === 0 ? value / 2 : -(value + 1) / 2
      shift *= 128
    }
    throw corrupt('varint longer than 10 bytes')
  }
}

function corrupt(message: string): SamsaError {
  return new SamsaError(SamsaErrorCode.StorageCorrupt, `corrupt record: ${message}`)
}
