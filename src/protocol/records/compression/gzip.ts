import { constants } from 'node:buffer'
import { promisify } from 'node:util'
import { gunzip, gunzipSync, gzip, gzipSync } from 'node:zlib'
import { checkDecompressedSize, compressionError } from './compression-error.ts'

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

/** A standard gzip member, as Java's GZIPOutputStream writes it. */
export function gzipCompress(data: Buffer, level?: number): Buffer {
  return gzipSync(data, level === undefined ? {} : { level })
}

export function gzipCompressAsync(data: Buffer, level?: number): Promise<Buffer> {
  return gzipAsync(data, level === undefined ? {} : { level })
}

// maxOutputLength makes zlib stop inflating at the limit instead of after the damage; it must lie in
// [1, buffer.constants.MAX_LENGTH], so the exact limit is checked again on the result.
const outputLimit = (bytesMax: number) => ({ maxOutputLength: Math.max(1, Math.min(bytesMax, constants.MAX_LENGTH)) })

export function gzipDecompress(data: Buffer, bytesMax: number): Buffer {
  let out: Buffer
  try {
    out = gunzipSync(data, outputLimit(bytesMax))
  } catch (err) {
    throw compressionError('gzip', 'cannot decompress', err)
  }
  checkDecompressedSize('gzip', out.length, bytesMax)
  return out
}

export async function gzipDecompressAsync(data: Buffer, bytesMax: number): Promise<Buffer> {
  let out: Buffer
  try {
    out = await gunzipAsync(data, outputLimit(bytesMax))
  } catch (err) {
    throw compressionError('gzip', 'cannot decompress', err)
  }
  checkDecompressedSize('gzip', out.length, bytesMax)
  return out
}
