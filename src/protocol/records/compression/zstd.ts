import { compress as zstdCompressNative } from 'zstd-napi'
import binding from 'zstd-napi/binding.js'
import { SamsaError } from '../../../common/errors.ts'
import { checkDecompressedSize, compressionError } from './compression-error.ts'

/**
 * Zstandard frames. zstd-napi's one-shot decompress trusts the frame's declared content size and allocates
 * it up front, so decoding streams into bounded chunks instead and stops at the caller's limit.
 * zstd-napi has no asynchronous API: these run on the calling thread; the asynchronous variants run them
 * on the zstd worker threads (zstd-pool.ts).
 */
const OUTPUT_CHUNK_BYTES = binding.dStreamOutSize()

let sharedContext: InstanceType<typeof binding.DCtx> | undefined

function context(): InstanceType<typeof binding.DCtx> {
  sharedContext ??= new binding.DCtx()
  // A previous call may have stopped mid-frame (error or limit): start from a clean session.
  sharedContext.reset(binding.ResetDirective.sessionOnly)
  return sharedContext
}

export function zstdCompress(data: Buffer, level?: number): Buffer {
  return zstdCompressNative(data, level === undefined ? {} : { compressionLevel: level })
}

function decompressChunks(data: Buffer, bytesMax: number): Buffer[] {
  const dctx = context()
  const chunks: Buffer[] = []
  let total = 0
  let input = data
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(OUTPUT_CHUNK_BYTES, bytesMax - total + 1))
    const [pending, produced, consumed] = dctx.decompressStream(chunk, input)
    total += produced
    checkDecompressedSize('zstd', total, bytesMax)
    if (produced > 0) chunks.push(chunk.subarray(0, produced))
    input = input.subarray(consumed)
    // pending === 0: a frame ended exactly here; more input means another frame follows.
    if (pending === 0 && input.length === 0) return chunks
    if (produced === 0 && consumed === 0) throw compressionError('zstd', 'truncated frame')
  }
}

export function zstdDecompress(data: Buffer, bytesMax: number): Buffer {
  if (data.length === 0) throw compressionError('zstd', 'empty input')
  let chunks: Buffer[]
  try {
    chunks = decompressChunks(data, bytesMax)
  } catch (err) {
    if (err instanceof SamsaError) throw err
    throw compressionError('zstd', 'cannot decompress', err)
  }
  return chunks.length === 1
    ? chunks[0]!
    : Buffer.concat(
        chunks,
        chunks.reduce((n, c) => n + c.length, 0),
      )
}
