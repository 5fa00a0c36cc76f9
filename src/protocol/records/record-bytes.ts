/**
 * Fixed-position writers and size functions for record encoding: the encoder sizes a batch first and then
 * fills one exactly sized Buffer, instead of growing a writer and copying.
 */
const TWO_POW_32 = 4294967296

export function readInt64At(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4)
}

export function writeInt64At(buf: Buffer, pos: number, v: number): number {
  const hi = Math.floor(v / TWO_POW_32)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(v - hi * TWO_POW_32, pos + 4)
  return pos + 8
}

const TWO_POW_52 = 2 ** 52
const TWO_POW_63 = 2 ** 63
const INT64_MAX = 2n ** 63n - 1n

const zigZag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1)

/**
 * Past 2^52 in magnitude the zig-zag value 2|v| (- 1) no longer fits a double and would lose its low bit,
 * the sign, so it is computed as a bigint; 2^63 (what Long.MAX_VALUE reads as) is written as Long.MAX_VALUE.
 */
const isWide = (v: number): boolean => v > TWO_POW_52 || v < -TWO_POW_52
function wideZigZag(v: number): bigint {
  const b = v >= TWO_POW_63 ? INT64_MAX : BigInt(v)
  return BigInt.asUintN(64, (b << 1n) ^ (b >> 63n))
}

export function sizeOfUnsignedVarint(u: number): number {
  let n = 1
  while (u >= 0x80) {
    u = Math.floor(u / 128)
    n++
  }
  return n
}

/** Size of a zig-zag varint or varlong (the encoding is the same; only the range differs). */
export function sizeOfVarint(v: number): number {
  if (!isWide(v)) return sizeOfUnsignedVarint(zigZag(v))
  let u = wideZigZag(v) >> 7n
  let n = 1
  for (; u > 0n; u >>= 7n) n++
  return n
}

export function writeVarintAt(buf: Buffer, pos: number, v: number): number {
  if (isWide(v)) {
    let u = wideZigZag(v)
    for (; u >= 0x80n; u >>= 7n) buf[pos++] = Number(u & 0x7fn) | 0x80
    buf[pos++] = Number(u)
    return pos
  }
  let u = zigZag(v)
  while (u >= 0x80) {
    buf[pos++] = (u % 128) | 0x80
    u = Math.floor(u / 128)
  }
  buf[pos++] = u
  return pos
}

/** A nullable byte field inside a record: varint length (-1 = null) and the bytes. */
export const sizeOfRecordBytes = (b: Buffer | null): number => (b === null ? 1 : sizeOfVarint(b.length) + b.length)

export function writeRecordBytesAt(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarintAt(buf, pos, -1)
  pos = writeVarintAt(buf, pos, b.length)
  return pos + b.copy(buf, pos)
}
