import type { Worker } from 'node:worker_threads'
import { SamsaError, SamsaErrorCode } from '../../common/errors.ts'
import { startWorker } from '../../common/start-worker.ts'
import type { CleanerReply, CleanerRequest } from './cleaner-worker.ts'
import type { CleanedGroup, CleanJob, CleanSummary } from './segment-cleaner.ts'

interface Running {
  readonly id: number
  readonly onGroup: (group: CleanedGroup) => void
  readonly resolve: (summary: CleanSummary) => void
  readonly reject: (err: Error) => void
}

/**
 * One cleaner thread (Kafka's CleanerThread) as a worker_threads Worker, started on first use and
 * restarted after it dies. One job at a time; `terminate()` stops it mid-job (the job's `.cleaned` files
 * stay behind and are removed at the next start, exactly as after a crash).
 */
export class CleanerThread {
  #worker: Worker | null = null
  #running: Running | null = null
  #nextId = 1

  get isRunning(): boolean {
    return this.#running !== null
  }

  run(job: CleanJob, onGroup: (group: CleanedGroup) => void): Promise<CleanSummary> {
    if (this.#running !== null) return Promise.reject(new Error('the cleaner thread is busy'))
    const worker = this.#ensureWorker()
    const id = this.#nextId++
    return new Promise<CleanSummary>((resolve, reject) => {
      this.#running = { id, onGroup, resolve, reject }
      worker.postMessage({ type: 'clean', id, job } satisfies CleanerRequest)
    })
  }

  #ensureWorker(): Worker {
    if (this.#worker !== null) return this.#worker
    const worker = startWorker(import.meta.url, 'cleaner-worker')
    worker.unref()
    worker.on('message', (reply: CleanerReply) => this.#onReply(reply))
    worker.on('error', (err) => this.#onExit(err))
    worker.on('exit', (code) => this.#onExit(new Error(`cleaner thread exited with code ${code}`)))
    this.#worker = worker
    return worker
  }

  #onReply(reply: CleanerReply): void {
    const running = this.#running
    if (running === null || running.id !== reply.id) return
    if (reply.type === 'group') {
      running.onGroup(reply.group)
      return
    }
    this.#running = null
    if (reply.type === 'done') running.resolve(reply.summary)
    else
      running.reject(
        reply.code === SamsaErrorCode.StorageCorrupt
          ? new SamsaError(SamsaErrorCode.StorageCorrupt, reply.message)
          : Object.assign(new Error(reply.message), { code: reply.code }),
      )
  }

  #onExit(err: Error): void {
    this.#worker = null
    const running = this.#running
    this.#running = null
    running?.reject(err)
  }

  async terminate(): Promise<void> {
    const worker = this.#worker
    if (worker === null) return
    this.#worker = null
    await worker.terminate()
    const running = this.#running
    this.#running = null
    running?.reject(new SamsaError(SamsaErrorCode.StorageClosed, 'the cleaner was shut down'))
  }
}
