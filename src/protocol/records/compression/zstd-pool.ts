import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import { SamsaError, SamsaErrorCode } from '../../../common/errors.ts'
import { startWorker } from '../../../common/start-worker.ts'
import type { ZstdReply, ZstdRequest } from './zstd-worker.ts'

/**
 * zstd-napi has no asynchronous API, so the asynchronous zstd calls run the synchronous codec on a few
 * worker threads instead of the event loop (gzip, snappy and lz4 use libuv's thread pool). Threads start
 * on first use, up to `threadsMax`; a job goes to an idle thread, else a new one, else the least busy. A
 * thread with no job is unref'd, so it never keeps a process alive; one that dies fails its jobs and is
 * replaced on the next call. Input bytes are copied once into an ArrayBuffer that is transferred, and the
 * output comes back transferred.
 */
export const ZSTD_POOL_THREADS_MAX = Math.min(2, availableParallelism())

interface Job {
  readonly resolve: (out: Buffer) => void
  readonly reject: (err: Error) => void
}

interface PoolThread {
  readonly worker: Worker
  readonly jobs: Map<number, Job>
}

function replyError(reply: Extract<ZstdReply, { type: 'error' }>): Error {
  if (reply.code === SamsaErrorCode.ProtocolCompression) {
    const options = reply.cause === null ? undefined : { cause: new Error(reply.cause) }
    return new SamsaError(SamsaErrorCode.ProtocolCompression, reply.message, options)
  }
  return Object.assign(new Error(reply.message), { code: reply.code })
}

export class ZstdPool {
  readonly threadsMax: number
  readonly #threads: PoolThread[] = []
  #nextId = 1

  constructor(threadsMax = ZSTD_POOL_THREADS_MAX) {
    this.threadsMax = Math.max(1, threadsMax)
  }

  /** Threads currently started. */
  get threadCount(): number {
    return this.#threads.length
  }

  compress(data: Buffer, level?: number): Promise<Buffer> {
    const input = copyToArrayBuffer(data)
    return this.#run((id) => ({ type: 'compress', id, data: input, level: level ?? null }), input)
  }

  decompress(data: Buffer, bytesMax: number): Promise<Buffer> {
    const input = copyToArrayBuffer(data)
    return this.#run((id) => ({ type: 'decompress', id, data: input, bytesMax }), input)
  }

  /** Stops every thread; their pending jobs fail. The pool starts threads again if used afterwards. */
  async close(): Promise<void> {
    const threads = this.#threads.splice(0)
    await Promise.all(threads.map((t) => t.worker.terminate()))
    for (const t of threads) this.#fail(t, new Error('the zstd pool was closed'))
  }

  #run(request: (id: number) => ZstdRequest, input: ArrayBuffer): Promise<Buffer> {
    const thread = this.#pick()
    const id = this.#nextId++
    return new Promise<Buffer>((resolve, reject) => {
      if (thread.jobs.size === 0) thread.worker.ref()
      thread.jobs.set(id, { resolve, reject })
      thread.worker.postMessage(request(id), [input])
    })
  }

  #pick(): PoolThread {
    let best: PoolThread | null = null
    for (const t of this.#threads) {
      if (t.jobs.size === 0) return t
      if (best === null || t.jobs.size < best.jobs.size) best = t
    }
    if (best !== null && this.#threads.length >= this.threadsMax) return best
    return this.#start()
  }

  #start(): PoolThread {
    const thread: PoolThread = { worker: startWorker(import.meta.url, 'zstd-worker'), jobs: new Map() }
    thread.worker.unref()
    thread.worker.on('message', (reply: ZstdReply) => this.#onReply(thread, reply))
    thread.worker.on('error', (err) => this.#onExit(thread, err))
    thread.worker.on('exit', (code) => this.#onExit(thread, new Error(`zstd thread exited with code ${code}`)))
    this.#threads.push(thread)
    return thread
  }

  #onReply(thread: PoolThread, reply: ZstdReply): void {
    const job = thread.jobs.get(reply.id)
    if (job === undefined) return
    thread.jobs.delete(reply.id)
    if (thread.jobs.size === 0) thread.worker.unref()
    if (reply.type === 'done') job.resolve(Buffer.from(reply.data))
    else job.reject(replyError(reply))
  }

  #onExit(thread: PoolThread, err: Error): void {
    const i = this.#threads.indexOf(thread)
    if (i >= 0) this.#threads.splice(i, 1)
    this.#fail(thread, err)
  }

  #fail(thread: PoolThread, err: Error): void {
    const jobs = [...thread.jobs.values()]
    thread.jobs.clear()
    for (const job of jobs) job.reject(err)
  }
}

/** The caller's bytes in an ArrayBuffer of their own (a Buffer is often a view into a larger one). */
function copyToArrayBuffer(data: Buffer): ArrayBuffer {
  return new Uint8Array(data).buffer
}

/** The pool the asynchronous zstd calls share. */
export const zstdPool = new ZstdPool()
