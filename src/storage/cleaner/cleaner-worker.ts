import { parentPort } from 'node:worker_threads'
import { type CleanedGroup, type CleanJob, type CleanSummary, runCleanJob } from './segment-cleaner.ts'

/**
 * The cleaner's worker thread: runs one CleanJob at a time with synchronous file I/O and CPU-heavy record
 * work off the broker's event loop, reporting each cleaned group as soon as its files are synced.
 */
export type CleanerRequest = { readonly type: 'clean'; readonly id: number; readonly job: CleanJob }

export type CleanerReply =
  | { readonly type: 'group'; readonly id: number; readonly group: CleanedGroup }
  | { readonly type: 'done'; readonly id: number; readonly summary: CleanSummary }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly code: string | null }

const port = parentPort
if (port === null) throw new Error('cleaner-worker.ts must run in a worker thread')

port.on('message', (request: CleanerRequest) => {
  const post = (reply: CleanerReply): void => port.postMessage(reply)
  try {
    const summary = runCleanJob(request.job, (group) => post({ type: 'group', id: request.id, group }))
    post({ type: 'done', id: request.id, summary })
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err))
    const code = (e as { code?: unknown }).code
    post({ type: 'error', id: request.id, message: e.message, code: typeof code === 'string' ? code : null })
  }
})
