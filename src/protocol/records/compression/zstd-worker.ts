import { parentPort } from 'node:worker_threads'
import { SamsaError } from '../../../common/errors.ts'
import { zstdCompress, zstdDecompress } from './zstd.ts'

/**
 * A zstd pool thread: runs the synchronous zstd codec off the broker's event loop, one job at a time.
 * Input arrives as an ArrayBuffer of its own (transferred); the output goes back the same way.
 */
export type ZstdRequest =
  | { readonly type: 'compress'; readonly id: number; readonly data: ArrayBuffer; readonly level: number | null }
  | { readonly type: 'decompress'; readonly id: number; readonly data: ArrayBuffer; readonly bytesMax: number }

export type ZstdReply =
  | { readonly type: 'done'; readonly id: number; readonly data: ArrayBuffer }
  | {
      readonly type: 'error'
      readonly id: number
      readonly message: string
      readonly code: string | null
      readonly cause: string | null
    }

/** The output's bytes as an ArrayBuffer that can be transferred: its own when it spans one, else a copy. */
function ownArrayBuffer(buf: Uint8Array): ArrayBuffer {
  const ab = buf.buffer
  if (ab instanceof ArrayBuffer && buf.byteOffset === 0 && buf.byteLength === ab.byteLength) return ab
  return new Uint8Array(buf).buffer
}

const port = parentPort
if (port === null) throw new Error('zstd-worker.ts must run in a worker thread')

port.on('message', (request: ZstdRequest) => {
  try {
    const input = Buffer.from(request.data)
    const output =
      request.type === 'compress'
        ? zstdCompress(input, request.level ?? undefined)
        : zstdDecompress(input, request.bytesMax)
    const data = ownArrayBuffer(output)
    port.postMessage({ type: 'done', id: request.id, data } satisfies ZstdReply, [data])
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err))
    const cause = e.cause instanceof Error ? e.cause.message : e.cause === undefined ? null : String(e.cause)
    port.postMessage({
      type: 'error',
      id: request.id,
      message: e.message,
      code: e instanceof SamsaError ? e.code : null,
      cause,
    } satisfies ZstdReply)
  }
})
