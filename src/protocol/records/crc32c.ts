import { crc32c as nativeCrc32c } from '@node-rs/crc32'

/** CRC-32C (Castagnoli), the checksum of record batches v2. Native (SSE4.2) via @node-rs/crc32. */
export function crc32c(data: Buffer, initial = 0): number {
  return nativeCrc32c(data, initial) >>> 0
}
