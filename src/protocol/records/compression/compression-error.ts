import { SamsaError, SamsaErrorCode } from '../../../common/errors.ts'

/** 64 MiB: far above any batch a client sends (max.message.bytes defaults to 1 MiB), far below harm. */
export const DECOMPRESSED_BYTES_MAX_DEFAULT = 64 * 1024 * 1024

export function compressionError(codec: string, message: string, cause?: unknown): SamsaError {
  return new SamsaError(
    SamsaErrorCode.ProtocolCompression,
    `${codec}: ${message}`,
    cause === undefined ? undefined : { cause },
  )
}

/** Rejects output (or a bound on it) beyond the caller's limit, so a small input cannot inflate without end. */
export function checkDecompressedSize(codec: string, bytes: number, bytesMax: number): void {
  if (bytes > bytesMax) {
    throw compressionError(codec, `decompressed size ${bytes} exceeds the limit of ${bytesMax} bytes`)
  }
}
