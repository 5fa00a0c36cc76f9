import { ProtocolDecodeError } from '../../common/errors.ts'
import { uuidFromBytes } from './uuid.ts'

const TWO_POW_32 = 4294967296

/**
 * Reads Kafka's primitive types from a Buffer, big-endian, advancing a cursor.
 *
 * Every length is checked against the bytes that remain, so a hostile frame can neither read past its end
 * nor make us allocate a huge array: it raises ProtocolDecodeError, which closes only its connection.
 * Byte fields (`bytes`, `records`) are returned as subarray views of the frame, never copied.
 * int64 values are returned as `number` (offsets, timestamps and ids stay below 2^53 in practice): exact
 * up to 2^53, the nearest double beyond it (Long.MAX_VALUE reads as 2^63, which Writer writes back as it).
 */
export class Reader {
  readonly buf: Buffer
  pos: number
  readonly end: number

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf
    this.pos = pos
    this.end = end
  }

  get remaining(): number {
    return this.end - this.pos
  }

  #need(n: number): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new ProtocolDecodeError(`need ${n} bytes at position ${this.pos}, only ${this.end - this.pos} remain`)
    }
  }

  readInt8(): number {
    this.#need(1)
    return this.buf.readInt8(this.pos++)
  }

  readUInt8(): number {
    this.#need(1)
    return this.buf[this.pos++]!
  }

  readBool(): boolean {
    return this.readInt8() !== 0
  }

  readInt16(): number {
    this.#need(2)
    const v = this.buf.readInt16BE(this.pos)
    this.pos += 2
    return v
  }

  readUInt16(): number {
    this.#need(2)
    const v = this.buf.readUInt16BE(this.pos)
    this.pos += 2
    return v
  }

  readInt32(): number {
    this.#need(4)
    const v = this.buf.readInt32BE(this.pos)
    this.pos += 4
    return v
  }

  readUInt32(): number {
    this.#need(4)
    const v = this.buf.readUInt32BE(this.pos)
    this.pos += 4
    return v
  }

  readInt64(): number {
    this.#need(8)
    const hi = this.buf.readInt32BE(this.pos)
    const lo = this.buf.readUInt32BE(this.pos + 4)
    this.pos += 8
    return hi * TWO_POW_32 + lo
  }

  readFloat64(): number {
    this.#need(8)
    const v = this.buf.readDoubleBE(this.pos)
    this.pos += 8
    return v
  }

  readUuid(): string {
    this.#need(16)
    const v = uuidFromBytes(this.buf, this.pos)
    this.pos += 16
    return v
  }

  /**
   * Unsigned LEB128 varint, at most 5 bytes. As in Kafka's ByteUtils, a fifth byte with its top bit set
   * is refused and the bits of a fifth byte beyond the 32 a Java int holds are dropped.
   */
  readUVarint(): number {
    let result = 0
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw new ProtocolDecodeError('truncated varint')
      const b = this.buf[this.pos++]!
      result += (b & (i === 4 ? 0x0f : 0x7f)) * 2 ** (7 * i)
      if ((b & 0x80) === 0) return result
    }
    throw new ProtocolDecodeError('Varint is too long, the most significant bit in the 5th byte is set')
  }

  /** Zig-zag signed varint (32 bits), as used inside records. */
  readVarint(): number {
    const u = this.readUVarint()
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2
  }

  /**
   * Zig-zag signed varlong (64 bits), as used for record timestamp deltas, returned as the nearest number.
   * The zig-zag value can exceed 2^53, so it is kept in two exact parts and the sign taken from its low
   * bit before any rounding. As in Kafka, a tenth byte gives only bit 63 and must not have its top bit set.
   */
  readVarlong(): number {
    let lo = 0 // bits 0-27
    let hi = 0 // bits 28-63
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtocolDecodeError('truncated varlong')
      const b = this.buf[this.pos++]!
      if (i < 4) lo |= (b & 0x7f) << (7 * i)
      else hi += (b & (i === 9 ? 0x01 : 0x7f)) * 2 ** (7 * i - 28)
      if ((b & 0x80) === 0) {
        // |value| = floor(u / 2) + (u & 1); the one inexact addition rounds to nearest, as Number(bigint) does.
        const magnitude = hi * 2 ** 27 + ((lo >>> 1) + (lo & 1))
        return lo & 1 ? -magnitude : magnitude
      }
    }
    throw new ProtocolDecodeError('Varlong is too long, most significant bit in the 10th byte is set')
  }

  #utf8(length: number): string {
    this.#need(length)
    const s = this.buf.toString('utf8', this.pos, this.pos + length)
    this.pos += length
    return s
  }

  readString(): string {
    const n = this.readInt16()
    if (n < 0) throw new ProtocolDecodeError('null string where a string is required')
    return this.#utf8(n)
  }

  readNullableString(): string | null {
    const n = this.readInt16()
    if (n < 0) return null
    return this.#utf8(n)
  }

  readCompactString(): string {
    const n = this.readUVarint()
    if (n === 0) throw new ProtocolDecodeError('null compact string where a string is required')
    return this.#utf8(compactStringLength(n))
  }

  readCompactNullableString(): string | null {
    const n = this.readUVarint()
    if (n === 0) return null
    return this.#utf8(compactStringLength(n))
  }

  readRaw(length: number): Buffer {
    this.#need(length)
    const v = this.buf.subarray(this.pos, this.pos + length)
    this.pos += length
    return v
  }

  readBytes(): Buffer {
    const n = this.readInt32()
    if (n < 0) throw new ProtocolDecodeError('null bytes where bytes are required')
    return this.readRaw(n)
  }

  readNullableBytes(): Buffer | null {
    const n = this.readInt32()
    if (n < 0) return null
    return this.readRaw(n)
  }

  readCompactBytes(): Buffer {
    const n = this.readUVarint()
    if (n === 0) throw new ProtocolDecodeError('null compact bytes where bytes are required')
    return this.readRaw(n - 1)
  }

  readCompactNullableBytes(): Buffer | null {
    const n = this.readUVarint()
    if (n === 0) return null
    return this.readRaw(n - 1)
  }

  /** Array length (int32, -1 = null). Each element needs at least one byte, which bounds allocation. */
  readArrayLength(): number {
    const n = this.readInt32()
    if (n < -1) throw new ProtocolDecodeError(`invalid array length ${n}`)
    if (n > this.end - this.pos) throw new ProtocolDecodeError(`array length ${n} exceeds remaining bytes`)
    return n
  }

  /** Compact array length (unsigned varint N+1, 0 = null); returns -1 for null. */
  readCompactArrayLength(): number {
    const n = this.readUVarint() - 1
    if (n > this.end - this.pos) throw new ProtocolDecodeError(`array length ${n} exceeds remaining bytes`)
    return n
  }

  readArray<T>(readElement: (r: Reader) => T): T[] {
    const n = this.readArrayLength()
    const out: T[] = []
    for (let i = 0; i < n; i++) out.push(readElement(this))
    return out
  }

  readCompactArray<T>(readElement: (r: Reader) => T): T[] {
    const n = this.readCompactArrayLength()
    const out: T[] = []
    for (let i = 0; i < n; i++) out.push(readElement(this))
    return out
  }

  /**
   * Reads a tagged-field section. `onTag` decodes a known tag from a reader bounded to that field and
   * returns false for tags it does not know, which are skipped as the protocol requires.
   */
  readTaggedFields(onTag?: (tag: number, r: Reader) => boolean): void {
    const count = this.readUVarint()
    let lastTag = -1
    for (let i = 0; i < count; i++) {
      const tag = this.readUVarint()
      if (tag <= lastTag) throw new ProtocolDecodeError(`tagged fields out of order: ${tag} after ${lastTag}`)
      lastTag = tag
      const size = this.readUVarint()
      this.#need(size)
      const fieldEnd = this.pos + size
      if (onTag !== undefined) {
        const sub = new Reader(this.buf, this.pos, fieldEnd)
        onTag(tag, sub)
      }
      this.pos = fieldEnd
    }
  }
}

/**
 * A compact string's byte length from its uvarint (length + 1). Kafka's generated readers refuse any
 * string field longer than 0x7fff bytes, the int16 strings' limit, in flexible versions too.
 */
function compactStringLength(n: number): number {
  if (n - 1 > 0x7fff) throw new ProtocolDecodeError(`string of ${n - 1} bytes, above the 32767 a string may hold`)
  return n - 1
}
