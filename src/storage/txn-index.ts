import assert from 'node:assert'
import fs from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../common/log.ts'
import { closeFile, datasync, openFile, truncateFile, writeAt, writeFileAtomic } from './file-io.ts'
import {
  baseOffsetFromFileName,
  DELETED_FILE_SUFFIX,
  offsetFileNamePrefix,
  TXN_INDEX_FILE_SUFFIX,
} from './log-file-names.ts'

/**
 * Kafka's `.txnindex` (TransactionIndex + AbortedTxn): one file per segment holding the transactions that
 * were aborted by a marker in that segment, 34 bytes each: int16 version 0, int64 producerId, int64
 * firstOffset, int64 lastOffset (the marker), int64 lastStableOffset (the LSO once the marker was written).
 * Fetch in read_committed returns the aborted transactions overlapping the data it returns, so consumers
 * can drop the aborted batches. The file exists only once a segment holds an abort.
 *
 * Writes go behind: the entry is in memory at once (reads see it), the bytes are queued and written in
 * order; `flush()` makes them durable before the recovery point passes the segment. Recovery rebuilds the
 * entries of everything it replays (producer-state-loader.ts), so a lost tail is never trusted.
 * Single-threaded (event loop).
 */
export interface AbortedTxn {
  readonly producerId: number
  readonly firstOffset: number
  readonly lastOffset: number
  readonly lastStableOffset: number
}

export const ABORTED_TXN_BYTES = 34
const ABORTED_TXN_VERSION = 0
const TWO_POW_32 = 4294967296

function writeInt64(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / TWO_POW_32)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(v - hi * TWO_POW_32, pos + 4)
}

function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4)
}

export function encodeAbortedTxns(txns: readonly AbortedTxn[]): Buffer {
  const buf = Buffer.alloc(txns.length * ABORTED_TXN_BYTES)
  txns.forEach((t, i) => {
    const p = i * ABORTED_TXN_BYTES
    buf.writeInt16BE(ABORTED_TXN_VERSION, p)
    writeInt64(buf, p + 2, t.producerId)
    writeInt64(buf, p + 10, t.firstOffset)
    writeInt64(buf, p + 18, t.lastOffset)
    writeInt64(buf, p + 26, t.lastStableOffset)
  })
  return buf
}

/** Decodes whole entries; returns null when an entry has an unknown version (the file is then rebuilt). */
export function decodeAbortedTxns(buf: Buffer): AbortedTxn[] | null {
  const out: AbortedTxn[] = []
  for (let p = 0; p + ABORTED_TXN_BYTES <= buf.length; p += ABORTED_TXN_BYTES) {
    if (buf.readInt16BE(p) !== ABORTED_TXN_VERSION) return null
    out.push({
      producerId: readInt64(buf, p + 2),
      firstOffset: readInt64(buf, p + 10),
      lastOffset: readInt64(buf, p + 18),
      lastStableOffset: readInt64(buf, p + 26),
    })
  }
  return out
}

export function txnIndexFilePath(dir: string, baseOffset: number): string {
  return join(dir, offsetFileNamePrefix(baseOffset) + TXN_INDEX_FILE_SUFFIX)
}

const OPEN_WRITE = fs.constants.O_WRONLY | fs.constants.O_CREAT

/** The aborted transactions a fetch must report, and whether later segments may hold more. */
export interface AbortedTxnSearch {
  readonly aborted: AbortedTxn[]
  readonly isComplete: boolean
}

/** One segment's transaction index. */
export class TransactionIndex {
  readonly baseOffset: number
  readonly #path: string
  #entries: AbortedTxn[]
  /** Entries whose bytes were handed to the file (in order). */
  #writtenEntries: number
  #unsynced = false
  #chain: Promise<void> = Promise.resolve()
  #deleted = false

  constructor(dir: string, baseOffset: number, entries: AbortedTxn[] = []) {
    this.baseOffset = baseOffset
    this.#path = txnIndexFilePath(dir, baseOffset)
    this.#entries = entries
    this.#writtenEntries = entries.length
  }

  get entries(): readonly AbortedTxn[] {
    return this.#entries
  }

  /** Adds an entry (its marker is the newest in the segment); its bytes follow in the background. */
  append(txn: AbortedTxn): Promise<void> {
    assert(!this.#deleted, 'append to a deleted transaction index')
    const last = this.#entries.at(-1)
    assert(last === undefined || txn.lastOffset > last.lastOffset, 'aborted transactions must be appended in order')
    this.#entries.push(txn)
    return this.#enqueue(async () => {
      const from = this.#writtenEntries
      const pending = this.#entries.slice(from)
      if (pending.length === 0 || this.#deleted) return
      const fd = await openFile(this.#path, OPEN_WRITE)
      try {
        await writeAt(fd, encodeAbortedTxns(pending), from * ABORTED_TXN_BYTES)
      } finally {
        await closeFile(fd)
      }
      this.#writtenEntries = from + pending.length
      this.#unsynced = true
    })
  }

  #enqueue(op: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(op)
    this.#chain = next.catch(() => {})
    return next
  }

  /** Kafka's collectAbortableTxns: entries with lastOffset >= fetchOffset and firstOffset < upperBoundOffset. */
  collect(fetchOffset: number, upperBoundOffset: number, into: AbortedTxn[]): boolean {
    for (const t of this.#entries) {
      if (t.lastOffset >= fetchOffset && t.firstOffset < upperBoundOffset) into.push(t)
      if (t.lastStableOffset >= upperBoundOffset) return true
    }
    return false
  }

  /** Drops the entries whose marker is at or after `offset`; resolves once the file matches. */
  truncateTo(offset: number): Promise<void> {
    const keep = this.#entries.filter((t) => t.lastOffset < offset)
    if (keep.length === this.#entries.length) return this.#chain
    this.#entries = keep
    return this.#enqueue(async () => {
      if (this.#deleted) return
      const length = Math.min(this.#writtenEntries, keep.length)
      if (length === 0) {
        await fs.promises.rm(this.#path, { force: true })
      } else {
        const fd = await openFile(this.#path, OPEN_WRITE)
        try {
          await truncateFile(fd, length * ABORTED_TXN_BYTES)
        } finally {
          await closeFile(fd)
        }
      }
      this.#writtenEntries = length
      this.#unsynced = true
    })
  }

  /** Waits for queued writes, then fdatasyncs the file when it changed since the last flush. */
  flush(): Promise<void> {
    return this.#enqueue(async () => {
      if (!this.#unsynced || this.#deleted || this.#writtenEntries === 0) return
      const fd = await openFile(this.#path, fs.constants.O_RDONLY)
      try {
        await datasync(fd)
      } finally {
        await closeFile(fd)
      }
      this.#unsynced = false
    })
  }

  /** Resolves once every queued write is done. */
  idle(): Promise<void> {
    return this.#chain
  }

  /** Stops writing to the file without touching it (another index object took it over). */
  forget(): Promise<void> {
    return this.#enqueue(async () => {
      this.#deleted = true
    })
  }

  /** Renames the file `.deleted` (as its segment's files) or removes it when `now`. */
  delete(now: boolean): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#deleted) return
      this.#deleted = true
      if (now) {
        await fs.promises.rm(this.#path, { force: true })
        return
      }
      try {
        await fs.promises.rename(this.#path, this.#path + DELETED_FILE_SUFFIX)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      }
    })
  }
}

/**
 * The transaction indexes of one partition, by segment base offset. Only segments that hold an abort
 * marker have one. The partition log tells it about segment deletions, truncations and cleaner swaps.
 */
export class TransactionIndexes {
  readonly #dir: string
  /** Sorted by base offset. */
  #indexes: TransactionIndex[] = []

  constructor(dir: string) {
    this.#dir = dir
  }

  /**
   * Start-up: loads the `.txnindex` files of `segmentBases`; removes files without a segment and files
   * that do not decode (recovery rebuilds what it replays).
   */
  static loadSync(dir: string, segmentBases: readonly number[], logger: Logger): TransactionIndexes {
    const out = new TransactionIndexes(dir)
    const bases = new Set(segmentBases)
    for (const name of fs.readdirSync(dir)) {
      const base = baseOffsetFromFileName(name, TXN_INDEX_FILE_SUFFIX)
      if (base === null) continue
      const path = join(dir, name)
      if (!bases.has(base)) {
        logger.warn({ file: name }, 'deleting orphaned transaction index')
        fs.rmSync(path, { force: true })
        continue
      }
      const raw = fs.readFileSync(path)
      const entries = decodeAbortedTxns(raw)
      if (entries === null) {
        logger.warn({ file: name }, 'transaction index has an unknown entry version; rebuilding what recovery replays')
        fs.rmSync(path, { force: true })
        continue
      }
      if (raw.length % ABORTED_TXN_BYTES !== 0) fs.truncateSync(path, entries.length * ABORTED_TXN_BYTES)
      if (entries.length > 0) out.#indexes.push(new TransactionIndex(dir, base, entries))
    }
    out.#indexes.sort((a, b) => a.baseOffset - b.baseOffset)
    return out
  }

  get segmentBases(): number[] {
    return this.#indexes.map((i) => i.baseOffset)
  }

  /** Every entry, oldest first (tests, tools). */
  allAbortedTxns(): AbortedTxn[] {
    return this.#indexes.flatMap((i) => [...i.entries])
  }

  /** Records an aborted transaction whose marker was appended to the segment at `segmentBase`. */
  append(segmentBase: number, txn: AbortedTxn): Promise<void> {
    let index = this.#indexes.find((i) => i.baseOffset === segmentBase)
    if (index === undefined) {
      index = new TransactionIndex(this.#dir, segmentBase)
      this.#indexes.push(index)
      this.#indexes.sort((a, b) => a.baseOffset - b.baseOffset)
    }
    return index.append(txn)
  }

  /**
   * Kafka's collectAbortedTransactions: from the segment at `fromSegmentBase` on, the aborted transactions
   * that overlap [fetchOffset, upperBoundOffset), stopping at the first entry whose last stable offset
   * reaches the upper bound.
   */
  collect(fetchOffset: number, upperBoundOffset: number, fromSegmentBase: number): AbortedTxn[] {
    const out: AbortedTxn[] = []
    for (const index of this.#indexes) {
      if (index.baseOffset < fromSegmentBase) continue
      if (index.collect(fetchOffset, upperBoundOffset, out)) break
    }
    return out
  }

  /** Drops every entry whose marker is at or after `offset`. */
  async truncateTo(offset: number): Promise<void> {
    const keep: TransactionIndex[] = []
    const work: Promise<void>[] = []
    for (const index of this.#indexes) {
      work.push(index.truncateTo(offset))
      if (index.entries.length > 0) keep.push(index)
    }
    this.#indexes = keep
    await Promise.all(work)
  }

  /** The segments at `bases` were deleted (retention, truncation): their indexes go with them. */
  async deleteSegments(bases: readonly number[], now = true): Promise<void> {
    const gone = new Set(bases)
    const deleted = this.#indexes.filter((i) => gone.has(i.baseOffset))
    if (deleted.length === 0) return
    this.#indexes = this.#indexes.filter((i) => !gone.has(i.baseOffset))
    await Promise.all(deleted.map((i) => i.delete(now)))
  }

  /**
   * A cleaner swap replaced the segments at `replacedBases` (the first of which is `newBase`) by one
   * segment whose index holds `retained`: the aborted transactions whose ABORT marker the cleaner kept
   * (Kafka's cleanedIndex; an entry without its marker would make consumers drop later committed batches
   * of that producer). The new file replaces the first one atomically before the others go.
   */
  async replaceSegments(
    newBase: number,
    replacedBases: readonly number[],
    retained: readonly AbortedTxn[],
  ): Promise<void> {
    const replaced = new Set(replacedBases)
    const old = this.#indexes.filter((i) => replaced.has(i.baseOffset))
    await Promise.all(old.map((i) => i.idle()))
    const entries = [...retained].sort((a, b) => a.lastOffset - b.lastOffset)
    if (entries.length > 0) await writeFileAtomic(txnIndexFilePath(this.#dir, newBase), encodeAbortedTxns(entries))
    else await fs.promises.rm(txnIndexFilePath(this.#dir, newBase), { force: true })
    this.#indexes = this.#indexes.filter((i) => !replaced.has(i.baseOffset))
    if (entries.length > 0) {
      this.#indexes.push(new TransactionIndex(this.#dir, newBase, entries))
      this.#indexes.sort((a, b) => a.baseOffset - b.baseOffset)
    }
    await Promise.all(old.filter((i) => i.baseOffset !== newBase).map((i) => i.delete(true)))
    await Promise.all(old.filter((i) => i.baseOffset === newBase).map((i) => i.forget()))
  }

  /** fdatasyncs the indexes of segments below `offset` (called before the recovery point moves to it). */
  async flush(offset: number): Promise<void> {
    await Promise.all(this.#indexes.filter((i) => i.baseOffset < offset).map((i) => i.flush()))
  }

  /** Resolves once every queued write finished (snapshots wait for this). */
  async idle(): Promise<void> {
    await Promise.all(this.#indexes.map((i) => i.idle()))
  }

  /** Removes every index (the log starts over). */
  async clear(): Promise<void> {
    const all = this.#indexes
    this.#indexes = []
    await Promise.all(all.map((i) => i.delete(true)))
  }
}
