import { compressionError, DECOMPRESSED_BYTES_MAX_DEFAULT } from './compression-error.ts'
import { CompressionType } from './compression-type.ts'
import { gzipCompress, gzipCompressAsync, gzipDecompress, gzipDecompressAsync } from './gzip.ts'
import { lz4Compress, lz4CompressAsync, lz4Decompress, lz4DecompressAsync } from './lz4.ts'
import { snappyCompress, snappyCompressAsync, snappyDecompress, snappyDecompressAsync } from './snappy.ts'
import { zstdCompress, zstdDecompress } from './zstd.ts'
import { zstdPool } from './zstd-pool.ts'

export { CompressionType, compressionName, isCompressionType } from './compression-type.ts'
/**
 * The record compression codecs, by Kafka's codec id: compress/decompress (sync) and their asynchronous
 * variants, the framing each client expects, and a cap on decompressed bytes.
 */
export { DECOMPRESSED_BYTES_MAX_DEFAULT }

export interface CompressOptions {
  /** gzip (1-9) or zstd level; the codec's default when absent. */
  level?: number
  /** LZ4 only: write Kafka's pre-0.10 frame header checksum (KAFKA-3160), as Kafka does for magic 0. */
  lz4BrokenHeaderChecksum?: boolean
}

function unknownCodec(type: number): never {
  throw compressionError(`codec ${type}`, 'unknown compression type')
}

/** Compresses a records section (or a legacy inner message set) the way Kafka's clients frame it. */
export function compress(type: CompressionType, data: Buffer, options: CompressOptions = {}): Buffer {
  switch (type) {
    case CompressionType.None:
      return data
    case CompressionType.Gzip:
      return gzipCompress(data, options.level)
    case CompressionType.Snappy:
      return snappyCompress(data)
    case CompressionType.Lz4:
      return lz4Compress(data, options.lz4BrokenHeaderChecksum)
    case CompressionType.Zstd:
      return zstdCompress(data, options.level)
    default:
      return unknownCodec(type)
  }
}

/**
 * Decompresses `data`. Throws SamsaError(SAMSA_ERR_PROTOCOL_COMPRESSION), with the library's error as
 * cause, on malformed input or when the output would exceed `bytesMax`.
 */
export function decompress(type: CompressionType, data: Buffer, bytesMax = DECOMPRESSED_BYTES_MAX_DEFAULT): Buffer {
  switch (type) {
    case CompressionType.None:
      return data
    case CompressionType.Gzip:
      return gzipDecompress(data, bytesMax)
    case CompressionType.Snappy:
      return snappyDecompress(data, bytesMax)
    case CompressionType.Lz4:
      return lz4Decompress(data, bytesMax)
    case CompressionType.Zstd:
      return zstdDecompress(data, bytesMax)
    default:
      return unknownCodec(type)
  }
}

/** Like compress, off the event loop: libuv's thread pool, or for zstd the zstd worker threads (zstd-pool.ts). */
export async function compressAsync(
  type: CompressionType,
  data: Buffer,
  options: CompressOptions = {},
): Promise<Buffer> {
  switch (type) {
    case CompressionType.Gzip:
      return gzipCompressAsync(data, options.level)
    case CompressionType.Snappy:
      return snappyCompressAsync(data)
    case CompressionType.Lz4:
      return lz4CompressAsync(data, options.lz4BrokenHeaderChecksum)
    case CompressionType.Zstd:
      return zstdPool.compress(data, options.level)
    default:
      return compress(type, data, options)
  }
}

/** Like decompress, off the event loop: libuv's thread pool, or for zstd the zstd worker threads. */
export async function decompressAsync(
  type: CompressionType,
  data: Buffer,
  bytesMax = DECOMPRESSED_BYTES_MAX_DEFAULT,
): Promise<Buffer> {
  switch (type) {
    case CompressionType.Gzip:
      return gzipDecompressAsync(data, bytesMax)
    case CompressionType.Snappy:
      return snappyDecompressAsync(data, bytesMax)
    case CompressionType.Lz4:
      return lz4DecompressAsync(data, bytesMax)
    case CompressionType.Zstd:
      return zstdPool.decompress(data, bytesMax)
    default:
      return decompress(type, data, bytesMax)
  }
}
