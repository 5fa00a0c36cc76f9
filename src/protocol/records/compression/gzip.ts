import { promisify } from 'node:util'
import { gunzip, gunzipSync, gzip, gzipSync } from 'node:zlib'
import { compressionError } from './compression-error.ts'

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

/** A standard gzip member, as Java's GZIPOutputStream writes it. */
export function gzipCompress(data: Buffer, level?: number): Buffer {
  return gzipSync(data, level === undefined ? {} : { level })
}

export function gzipCompressAsync(data: Buffer, level?: number): Promise<Buffer> {
  return gzipAsync(data, level === undefined ? {} : { level })
}

// maxOutputLength makes zlib stop inflating at the limit instead of after the damage.
export function gzipDecompress(data: Buffer, bytesMax: number): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: bytesMax })
  } catch (err) {
    throw compressionError('gzip', 'cannot decompress', err)
  }
}

export async function gzipDecompressAsync(data: Buffer, bytesMax: number): Promise<Buffer> {
  try {
    return await gunzipAsync(data, { maxOutputLength: bytesMax })
  } catch (err) {
    throw compressionError('gzip', 'cannot decompress', err)
  }
}
