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

const zigZag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1)

export function sizeOfUnsignedVarint(u: number): number {
  let n = 1
  while (u >= 0x80) {
    u = Math.floor(u / 128)
    n++
  }
  return n
}

/** Size of a zig-zag varint or varlong (the encoding is the same; only the range differs). */
export const sizeOfVarint = (v: number): number => sizeOfUnsignedVarint(zigZag(v))

export function writeVarintAt(buf: Buffer, pos: number, v: number): number {
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
