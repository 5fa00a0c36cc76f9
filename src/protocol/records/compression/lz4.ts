import { compressFrame, compressFrameSync, decompressFrame, decompressFrameSync } from 'lz4-napi'
import { SamsaError } from '../../../common/errors.ts'
import { checkDecompressedSize, compressionError } from './compression-error.ts'
import { xxhash32 } from './xxhash32.ts'

/**
 * LZ4 frame format, as Kafka's KafkaLZ4BlockOutputStream/InputStream use it. Kafka before 0.10 (message
 * format v0) computed the frame header checksum over the magic number too (KAFKA-3160); Kafka still writes
 * that broken checksum for magic 0 and ignores the checksum when reading magic 0. Decoding here accepts the
 * correct checksum or the broken one; encoding writes the broken one only when asked (magic 0).
 */
const FRAME_MAGIC = 0x184d2204
const SKIPPABLE_MAGIC_MASK = 0xfffffff0
const SKIPPABLE_MAGIC = 0x184d2a50
const FLG_VERSION_MASK = 0xc0
const FLG_VERSION_01 = 0x40
const FLG_BLOCK_CHECKSUM = 0x10
const FLG_CONTENT_SIZE = 0x08
const FLG_CONTENT_CHECKSUM = 0x04
const FLG_DICT_ID = 0x01
const BLOCK_UNCOMPRESSED = 0x80000000
/** One compressed LZ4 byte expands to at most ~255 output bytes (length extension bytes); 256 bounds it. */
const LZ4_RATIO_MAX = 256

interface Frame {
  start: number
  end: number
  /** The header checksum carries the KAFKA-3160 value and must be corrected before decoding. */
  hasBrokenChecksum: boolean
  hcPos: number
}

/** Offset of the header checksum byte for the frame starting at `pos`; validates FLG and BD. */
function headerChecksumPosition(data: Buffer, pos: number): { hcPos: number; flg: number; blockMax: number } {
  if (pos + 7 > data.length) throw compressionError('lz4', 'truncated frame header')
  const flg = data[pos + 4]!
  const bd = data[pos + 5]!
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01)
    throw compressionError('lz4', `unsupported frame version in FLG ${flg}`)
  const blockSizeId = (bd >> 4) & 0x07
  if (blockSizeId < 4) throw compressionError('lz4', `invalid block maximum size id ${blockSizeId}`)
  const hcPos = pos + 6 + (flg & FLG_CONTENT_SIZE ? 8 : 0) + (flg & FLG_DICT_ID ? 4 : 0)
  if (hcPos >= data.length) throw compressionError('lz4', 'truncated frame header')
  return { hcPos, flg, blockMax: 1 << (2 * blockSizeId + 8) }
}

/** The second byte of XXH32 over the descriptor: the frame header checksum. */
function headerChecksum(data: Buffer, start: number, end: number): number {
  return (xxhash32(data, start, end) >>> 8) & 0xff
}

/** True when the header checksum is Kafka's pre-0.10 value, false when it is right; throws otherwise. */
function isBrokenHeaderChecksum(data: Buffer, frameStart: number, hcPos: number): boolean {
  const hc = data[hcPos]!
  if (hc === headerChecksum(data, frameStart + 4, hcPos)) return false
  if (hc === headerChecksum(data, frameStart, hcPos)) return true
  throw compressionError('lz4', 'frame header checksum mismatch')
}

/** Walks the block headers of one frame; returns the position after it and its output bound. */
function scanBlocks(data: Buffer, pos: number, flg: number, blockMax: number): { end: number; bound: number } {
  const checksumBytes = flg & FLG_BLOCK_CHECKSUM ? 4 : 0
  let bound = 0
  for (;;) {
    if (pos + 4 > data.length) throw compressionError('lz4', 'truncated block header')
    const word = data.readUInt32LE(pos)
    pos += 4
    if (word === 0) break
    const size = word & ~BLOCK_UNCOMPRESSED
    if (size > blockMax) throw compressionError('lz4', `block size ${size} exceeds the frame maximum ${blockMax}`)
    if (pos + size + checksumBytes > data.length) throw compressionError('lz4', 'truncated block')
    bound += word & BLOCK_UNCOMPRESSED ? size : Math.min(blockMax, size * LZ4_RATIO_MAX)
    pos += size + checksumBytes
  }
  if (flg & FLG_CONTENT_CHECKSUM) pos += 4
  if (pos > data.length) throw compressionError('lz4', 'truncated content checksum')
  return { end: pos, bound }
}

/**
 * Splits `data` into its frames (skipping skippable frames), checking the framing and bounding the output
 * before anything is decoded. lz4-napi decodes only the first frame of its input, so frames go one by one.
 */
function scanFrames(data: Buffer, bytesMax: number): Frame[] {
  if (data.length === 0) throw compressionError('lz4', 'empty input')
  const frames: Frame[] = []
  let total = 0
  let pos = 0
  while (pos < data.length) {
    if (pos + 4 > data.length) throw compressionError('lz4', 'truncated frame magic')
    const magic = data.readUInt32LE(pos)
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (pos + 8 > data.length) throw compressionError('lz4', 'truncated skippable frame')
      pos += 8 + data.readUInt32LE(pos + 4)
      if (pos > data.length) throw compressionError('lz4', 'truncated skippable frame')
      continue
    }
    if (magic !== FRAME_MAGIC) throw compressionError('lz4', `invalid frame magic 0x${magic.toString(16)}`)
    const { hcPos, flg, blockMax } = headerChecksumPosition(data, pos)
    const hasBrokenChecksum = isBrokenHeaderChecksum(data, pos, hcPos)
    const { end, bound } = scanBlocks(data, hcPos + 1, flg, blockMax)
    total += bound
    checkDecompressedSize('lz4', total, bytesMax)
    frames.push({ start: pos, end, hasBrokenChecksum, hcPos })
    pos = end
  }
  return frames
}

/** The bytes of one frame as the decoder accepts them: a corrected copy when the checksum is the old one. */
function frameInput(data: Buffer, frame: Frame): Buffer {
  const bytes = data.subarray(frame.start, frame.end)
  if (!frame.hasBrokenChecksum) return bytes
  const fixed = Buffer.from(bytes)
  const hcPos = frame.hcPos - frame.start
  fixed[hcPos] = headerChecksum(fixed, 4, hcPos)
  return fixed
}

function joinFrames(outputs: Buffer[], bytesMax: number): Buffer {
  const out = outputs.length === 1 ? outputs[0]! : Buffer.concat(outputs)
  checkDecompressedSize('lz4', out.length, bytesMax)
  return out
}

/** Rewrites the header checksum of a single-frame output with the KAFKA-3160 value (magic 0). */
function breakHeaderChecksum(frame: Buffer): Buffer {
  const { hcPos } = headerChecksumPosition(frame, 0)
  frame[hcPos] = headerChecksum(frame, 0, hcPos)
  return frame
}

// Block checksums off and independent blocks: what KafkaLZ4BlockInputStream requires.
const FRAME_OPTIONS = { blockChecksums: false, contentChecksum: false }

export function lz4Compress(data: Buffer, brokenHeaderChecksum = false): Buffer {
  const frame = compressFrameSync(data, FRAME_OPTIONS)
  return brokenHeaderChecksum ? breakHeaderChecksum(frame) : frame
}

export async function lz4CompressAsync(data: Buffer, brokenHeaderChecksum = false): Promise<Buffer> {
  const frame = await compressFrame(data, FRAME_OPTIONS)
  return brokenHeaderChecksum ? breakHeaderChecksum(frame) : frame
}

export function lz4Decompress(data: Buffer, bytesMax: number): Buffer {
  const frames = scanFrames(data, bytesMax)
  try {
    return joinFrames(
      frames.map((frame) => decompressFrameSync(frameInput(data, frame))),
      bytesMax,
    )
  } catch (err) {
    if (err instanceof SamsaError) throw err
    throw compressionError('lz4', 'cannot decompress', err)
  }
}

export async function lz4DecompressAsync(data: Buffer, bytesMax: number): Promise<Buffer> {
  const frames = scanFrames(data, bytesMax)
  try {
    return joinFrames(await Promise.all(frames.map((frame) => decompressFrame(frameInput(data, frame)))), bytesMax)
  } catch (err) {
    if (err instanceof SamsaError) throw err
    throw compressionError('lz4', 'cannot decompress', err)
  }
}
