import { uuidToBytes } from './uuid.ts'

const TWO_POW_32 = 4294967296
const TWO_POW_52 = 2 ** 52
const TWO_POW_63 = 2 ** 63
const INT64_MAX = 2n ** 63n - 1n
/** Byte fields at least this large are referenced, not copied (record data in Fetch responses). */
const ZERO_COPY_MIN_BYTES = 512
const DEFAULT_CHUNK_BYTES = 512

/**
 * Writes Kafka's primitive types into a list of Buffers.
 *
 * Small fields go into a growing scratch buffer; large byte fields (record sets) are appended as
 * their own chunks so that record data goes to the socket without passing through a copy. `toChunks()`
 * hands the list to `socket.cork()`/`write()` (writev underneath).
 */
export class Writer {
  #chunks: Buffer[] = []
  #buf: Buffer
  #pos = 0
  #start = 0
  #length = 0

  constructor(initialBytes = DEFAULT_CHUNK_BYTES) {
    this.#buf = Buffer.allocUnsafe(initialBytes)
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.#length + (this.#pos - this.#start)
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return
    this.#flushScratch()
    const size = Math.max(n, this.#buf.length * 2, DEFAULT_CHUNK_BYTES)
    this.#buf = Buffer.allocUnsafe(size)
    this.#pos = 0
    this.#start = 0
  }

  #flushScratch(): void {
    if (this.#pos > this.#start) {
      this.#chunks.push(this.#buf.subarray(this.#start, this.#pos))
      this.#length += this.#pos - this.#start
      this.#start = this.#pos
    }
  }

  writeInt8(v: number): this {
    this.#ensure(1)
    this.#buf.writeInt8(v, this.#pos)
    this.#pos += 1
    return this
  }

  writeUInt8(v: number): this {
    this.#ensure(1)
    this.#buf[this.#pos++] = v
    return this
  }

  writeBool(v: boolean): this {
    return this.writeInt8(v ? 1 : 0)
  }

  writeInt16(v: number): this {
    this.#ensure(2)
    this.#buf.writeInt16BE(v, this.#pos)
    this.#pos += 2
    return this
  }

  writeUInt16(v: number): this {
    this.#ensure(2)
    this.#buf.writeUInt16BE(v, this.#pos)
    this.#pos += 2
    return this
  }

  writeInt32(v: number): this {
    this.#ensure(4)
    this.#buf.writeInt32BE(v, this.#pos)
    this.#pos += 4
    return this
  }

  writeUInt32(v: number): this {
    this.#ensure(4)
    this.#buf.writeUInt32BE(v, this.#pos)
    this.#pos += 4
    return this
  }

  /**
   * int64 from a number. 2^63 and above, which is what Long.MAX_VALUE reads as, are written as
   * Long.MAX_VALUE, so the sentinel survives a read and a write.
   */
  writeInt64(v: number): this {
    this.#ensure(8)
    if (v >= TWO_POW_63) {
      this.#buf.writeUInt32BE(0x7fffffff, this.#pos)
      this.#buf.writeUInt32BE(0xffffffff, this.#pos + 4)
    } else {
      const hi = Math.floor(v / TWO_POW_32)
      this.#buf.writeInt32BE(hi, this.#pos)
      this.#buf.writeUInt32BE(v - hi * TWO_POW_32, this.#pos + 4)
    }
    this.#pos += 8
    return this
  }

  writeFloat64(v: number): this {
    this.#ensure(8)
    this.#buf.writeDoubleBE(v, this.#pos)
    this.#pos += 8
    return this
  }

  writeUuid(v: string): this {
    this.#ensure(16)
    uuidToBytes(v, this.#buf, this.#pos)
    this.#pos += 16
    return this
  }

  writeUVarint(v: number): this {
    this.#ensure(5)
    while (v >= 0x80) {
      this.#buf[this.#pos++] = (v & 0x7f) | 0x80
      v = Math.floor(v / 128)
    }
    this.#buf[this.#pos++] = v
    return this
  }

  writeVarint(v: number): this {
    return this.writeUVarint(v >= 0 ? v * 2 : -v * 2 - 1)
  }

  /**
   * Zig-zag varlong. Up to 2^52 in magnitude the zig-zag value is an exact number; beyond, where its low
   * bit (the sign) would be lost to rounding, it is computed as a bigint. 2^63, what Long.MAX_VALUE reads
   * as, is written as Long.MAX_VALUE.
   */
  writeVarlong(v: number): this {
    this.#ensure(10)
    if (v > TWO_POW_52 || v < -TWO_POW_52) return this.#writeWideVarlong(v)
    let u = v >= 0 ? v * 2 : -v * 2 - 1
    while (u >= 0x80) {
      this.#buf[this.#pos++] = (u % 128) | 0x80
      u = Math.floor(u / 128)
    }
    this.#buf[this.#pos++] = u
    return this
  }

  #writeWideVarlong(v: number): this {
    const b = v >= TWO_POW_63 ? INT64_MAX : BigInt(v)
    let u = BigInt.asUintN(64, (b << 1n) ^ (b >> 63n))
    while (u >= 0x80n) {
      this.#buf[this.#pos++] = Number(u & 0x7fn) | 0x80
      u >>= 7n
    }
    this.#buf[this.#pos++] = Number(u)
    return this
  }

  writeRaw(b: Buffer): this {
    if (b.length >= ZERO_COPY_MIN_BYTES) {
      this.#flushScratch()
      this.#chunks.push(b)
      this.#length += b.length
      return this
    }
    this.#ensure(b.length)
    b.copy(this.#buf, this.#pos)
    this.#pos += b.length
    return this
  }

  #writeUtf8(s: string, byteLength: number): void {
    this.#ensure(byteLength)
    this.#buf.write(s, this.#pos, byteLength, 'utf8')
    this.#pos += byteLength
  }

  writeString(s: string): this {
    const n = Buffer.byteLength(s, 'utf8')
    this.writeInt16(n)
    this.#writeUtf8(s, n)
    return this
  }

  writeNullableString(s: string | null): this {
    if (s === null) return this.writeInt16(-1)
    return this.writeString(s)
  }

  writeCompactString(s: string): this {
    const n = Buffer.byteLength(s, 'utf8')
    this.writeUVarint(n + 1)
    this.#writeUtf8(s, n)
    return this
  }

  writeCompactNullableString(s: string | null): this {
    if (s === null) return this.writeUVarint(0)
    return this.writeCompactString(s)
  }

  writeBytes(b: Buffer): this {
    this.writeInt32(b.length)
    return this.writeRaw(b)
  }

  writeNullableBytes(b: Buffer | null): this {
    if (b === null) return this.writeInt32(-1)
    return this.writeBytes(b)
  }

  writeCompactBytes(b: Buffer): this {
    this.writeUVarint(b.length + 1)
    return this.writeRaw(b)
  }

  writeCompactNullableBytes(b: Buffer | null): this {
    if (b === null) return this.writeUVarint(0)
    return this.writeCompactBytes(b)
  }

  /** Appends several buffers as one length-prefixed field (records assembled from segment reads). */
  writeBufferList(list: readonly Buffer[]): this {
    for (const b of list) this.writeRaw(b)
    return this
  }

  writeArray<T>(items: readonly T[] | null, writeElement: (w: Writer, item: T) => void): this {
    if (items === null) return this.writeInt32(-1)
    this.writeInt32(items.length)
    for (const item of items) writeElement(this, item)
    return this
  }

  writeCompactArray<T>(items: readonly T[] | null, writeElement: (w: Writer, item: T) => void): this {
    if (items === null) return this.writeUVarint(0)
    this.writeUVarint(items.length + 1)
    for (const item of items) writeElement(this, item)
    return this
  }

  /** An empty tagged-field section. */
  writeEmptyTaggedFields(): this {
    return this.writeUInt8(0)
  }

  /**
   * A tagged-field section. Each entry encodes its payload into a scratch writer so its size can be
   * written first; tagged fields are rare and small, so the copy is cheap.
   */
  writeTaggedFields(fields: readonly (readonly [tag: number, encode: (w: Writer) => void])[]): this {
    this.writeUVarint(fields.length)
    for (const [tag, encode] of fields) {
      const sub = new Writer(64)
      encode(sub)
      this.writeUVarint(tag)
      this.writeUVarint(sub.length)
      for (const chunk of sub.toChunks()) this.writeRaw(chunk)
    }
    return this
  }

  /** The written bytes as a list of chunks (no copy). The writer must not be used afterwards. */
  toChunks(): Buffer[] {
    this.#flushScratch()
    return this.#chunks
  }

  /** The written bytes as one Buffer (copies when there is more than one chunk). */
  toBuffer(): Buffer {
    const chunks = this.toChunks()
    if (chunks.length === 1) return chunks[0]!
    return Buffer.concat(chunks, this.#length)
  }
}
