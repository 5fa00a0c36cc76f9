import { compress, compressSync, uncompress, uncompressSync } from 'snappy'
import { checkDecompressedSize, compressionError } from './compression-error.ts'

/**
 * Snappy as Kafka clients use it. The Java client and kafka-python write xerial framing (snappy-java's
 * SnappyOutputStream): an 8-byte magic, int32 version, int32 compatible version, then repeated
 * int32-length raw snappy blocks. librdkafka and Sarama write one raw snappy block. Decoding accepts both;
 * encoding writes xerial framing, which every client reads.
 */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER_BYTES = 16
const XERIAL_VERSION = 1
const XERIAL_COMPATIBLE_VERSION = 1
/** snappy-java's default block size, also kafka-python's xerial_blocksize. */
const XERIAL_BLOCK_BYTES = 32 * 1024

export function isXerialSnappy(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_BYTES && data.compare(XERIAL_MAGIC, 0, 8, 0, 8) === 0
}

function xerialHeader(): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_BYTES)
  XERIAL_MAGIC.copy(header, 0)
  header.writeInt32BE(XERIAL_VERSION, 8)
  header.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12)
  return header
}

function frameBlocks(blocks: Buffer[]): Buffer {
  const parts: Buffer[] = [xerialHeader()]
  for (const block of blocks) {
    const length = Buffer.allocUnsafe(4)
    length.writeInt32BE(block.length, 0)
    parts.push(length, block)
  }
  return Buffer.concat(parts)
}

function splitBlocks(data: Buffer): Buffer[] {
  const chunks: Buffer[] = []
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_BYTES) {
    chunks.push(data.subarray(pos, pos + XERIAL_BLOCK_BYTES))
  }
  return chunks
}

export function snappyCompress(data: Buffer): Buffer {
  return frameBlocks(splitBlocks(data).map((chunk) => compressSync(chunk)))
}

export async function snappyCompressAsync(data: Buffer): Promise<Buffer> {
  return frameBlocks(await Promise.all(splitBlocks(data).map((chunk) => compress(chunk))))
}

/** The uncompressed length a raw snappy block declares (its leading unsigned varint). */
function rawUncompressedLength(block: Buffer): number {
  let result = 0
  for (let i = 0; i < 5 && i < block.length; i++) {
    const b = block[i]!
    result += (b & 0x7f) * 2 ** (7 * i)
    if ((b & 0x80) === 0) return result
  }
  throw compressionError('snappy', 'invalid block length preamble')
}

/**
 * The raw snappy blocks of `data` (one for raw snappy, each xerial block otherwise), after checking their
 * framing and that their declared sizes stay within `bytesMax`, before anything is allocated for them.
 */
function snappyBlocks(data: Buffer, bytesMax: number): Buffer[] {
  if (!isXerialSnappy(data)) {
    checkDecompressedSize('snappy', rawUncompressedLength(data), bytesMax)
    return [data]
  }
  const blocks: Buffer[] = []
  let total = 0
  let pos = XERIAL_HEADER_BYTES
  while (pos < data.length) {
    if (pos + 4 > data.length) throw compressionError('snappy', 'truncated xerial block length')
    const length = data.readInt32BE(pos)
    pos += 4
    if (length < 0 || pos + length > data.length) {
      throw compressionError('snappy', `xerial block length ${length} exceeds the remaining ${data.length - pos} bytes`)
    }
    const block = data.subarray(pos, pos + length)
    pos += length
    total += rawUncompressedLength(block)
    checkDecompressedSize('snappy', total, bytesMax)
    blocks.push(block)
  }
  return blocks
}

function uncompressBlock(block: Buffer): Buffer {
  return uncompressSync(block, { asBuffer: true }) as Buffer
}

export function snappyDecompress(data: Buffer, bytesMax: number): Buffer {
  const blocks = snappyBlocks(data, bytesMax)
  try {
    const out = blocks.map(uncompressBlock)
    return out.length === 1 ? out[0]! : Buffer.concat(out)
  } catch (err) {
    throw compressionError('snappy', 'cannot decompress', err)
  }
}

export async function snappyDecompressAsync(data: Buffer, bytesMax: number): Promise<Buffer> {
  const blocks = snappyBlocks(data, bytesMax)
  try {
    const out = (await Promise.all(blocks.map((block) => uncompress(block, { asBuffer: true })))) as Buffer[]
    return out.length === 1 ? out[0]! : Buffer.concat(out)
  } catch (err) {
    throw compressionError('snappy', 'cannot decompress', err)
  }
}
