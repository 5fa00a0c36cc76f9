import assert from 'node:assert'
import fs from 'node:fs'
import { SamsaError, SamsaErrorCode } from '../common/errors.ts'
import {
  BATCH_HEADER_BYTES,
  batchBaseOffset,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchPartitionLeaderEpoch,
  batchSize,
} from '../protocol/records/record-batch.ts'
import { type Decompress, forEachRecordTimestamp } from './batch-records.ts'
import { closeFile, datasync, openFile, readAt, truncateFile } from './file-io.ts'
import { DELETED_FILE_SUFFIX, logFilePath, offsetIndexFilePath, timeIndexFilePath } from './log-file-names.ts'
import { OffsetIndex } from './offset-index.ts'
import { TimeIndex } from './time-index.ts'

const INT32_MAX = 2 ** 31 - 1
/** Chunk size of sequential scans (timestamp search, truncation); grows for larger batches. */
export const SCAN_CHUNK_BYTES = 256 * 1024
/** Index entries pending in memory before they are written to the index file behind the log. */
export const INDEX_PERSIST_ENTRIES_MIN = 512

/** Where a read puts its bytes: a fresh buffer, or one borrowed for as long as the reader needs it. */
export type AllocateBuffer = (bytes: number) => Buffer

export interface SegmentReadResult {
  /** Whole batches, possibly none (the first batch starts at or past maxOffset, or exceeds maxBytes). */
  readonly records: Buffer
  /** Base offset of the first batch returned (the batch containing the requested offset); the requested offset when none. */
  readonly firstOffset: number
  /** Last offset returned + 1; the requested offset when nothing is returned. */
  readonly nextOffset: number
}

export interface RollParams {
  readonly maxSegmentMs: number
  readonly maxSegmentBytes: number
  readonly messagesBytes: number
  readonly maxTimestampInMessages: number
  readonly maxOffsetInMessages: number
  readonly nowMs: number
}

export interface TimestampAndOffset {
  readonly timestamp: number
  readonly offset: number
  readonly leaderEpoch: number
}

export interface SegmentState {
  readonly dir: string
  readonly baseOffset: number
  readonly offsetIndex: OffsetIndex
  readonly timeIndex: TimeIndex
  readonly indexIntervalBytes: number
  readonly rollJitterMs: number
  readonly createdMs: number
  readonly lastModifiedMs: number
  readonly sizeBytes: number
  readonly nextOffset: number
  readonly maxTimestampSoFar: number
  readonly offsetOfMaxTimestampSoFar: number
  readonly rollingBasedTimestamp: number
  readonly bytesSinceLastIndexEntry: number
}

interface SegmentFds {
  log: number
  index: number
  timeIndex: number
}

const OPEN_NEW = fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC

export function storageCorrupt(message: string): SamsaError {
  return new SamsaError(SamsaErrorCode.StorageCorrupt, message)
}

/**
 * One log segment (Kafka's LogSegment): `<base>.log` holding batches exactly as on the wire, with its
 * offset and time indexes. The segment tracks three sizes: `size` counts every byte assigned to it
 * (including bytes queued for writing), `writtenBytes` those in the file (page cache), `flushedBytes`
 * those fsynced. Reads never go past `writtenBytes`. Appends update the in-memory state synchronously;
 * PartitionLog writes the bytes, in order, and calls `noteWritten`.
 *
 * Invariants: flushedBytes <= writtenBytes <= size; batches are contiguous from position 0 with
 * increasing offsets, all >= baseOffset and within int32 of it. Every file operation runs through a gate
 * so `close()` waits for in-flight reads and writes before the descriptors are closed. Not thread-safe:
 * single-threaded (event loop).
 */
export class Segment {
  readonly baseOffset: number
  readonly dir: string
  readonly offsetIndex: OffsetIndex
  readonly timeIndex: TimeIndex
  readonly indexIntervalBytes: number
  readonly rollJitterMs: number
  readonly createdMs: number
  #fds: SegmentFds | null = null
  #opening: Promise<void> | null = null
  #paths: { log: string; index: string; timeIndex: string }
  #size: number
  #writtenBytes: number
  #flushedBytes: number
  #nextOffset: number
  #maxTimestampSoFar: number
  #offsetOfMaxTimestampSoFar: number
  #rollingBasedTimestamp: number
  #bytesSinceLastIndexEntry: number
  #lastModifiedMs: number
  #indexVersion = 0
  #syncedIndexVersion = 0
  #inflight = 0
  #idleWaiters: (() => void)[] = []
  #closed = false
  #markingDeleted: Promise<void> | null = null

  constructor(state: SegmentState, fds: SegmentFds | null, flushed: boolean) {
    this.baseOffset = state.baseOffset
    this.dir = state.dir
    this.offsetIndex = state.offsetIndex
    this.timeIndex = state.timeIndex
    this.indexIntervalBytes = state.indexIntervalBytes
    this.rollJitterMs = state.rollJitterMs
    this.createdMs = state.createdMs
    this.#lastModifiedMs = state.lastModifiedMs
    this.#size = state.sizeBytes
    this.#writtenBytes = state.sizeBytes
    this.#flushedBytes = flushed ? state.sizeBytes : 0
    this.#nextOffset = state.nextOffset
    this.#maxTimestampSoFar = state.maxTimestampSoFar
    this.#offsetOfMaxTimestampSoFar = state.offsetOfMaxTimestampSoFar
    this.#rollingBasedTimestamp = state.rollingBasedTimestamp
    this.#bytesSinceLastIndexEntry = state.bytesSinceLastIndexEntry
    this.#paths = {
      log: logFilePath(state.dir, state.baseOffset),
      index: offsetIndexFilePath(state.dir, state.baseOffset),
      timeIndex: timeIndexFilePath(state.dir, state.baseOffset),
    }
    if (fds !== null) this.#attach(fds)
  }

  /**
   * A new, empty segment. Its files are created (truncating any stale ones) in the background; writes and
   * reads wait for them through `ready()`. Synchronous so that a roll never delays offset assignment.
   */
  static createNew(
    dir: string,
    baseOffset: number,
    opts: { segmentIndexBytes: number; indexIntervalBytes: number; rollJitterMs: number; nowMs: number },
  ): Segment {
    const seg = new Segment(
      {
        dir,
        baseOffset,
        offsetIndex: new OffsetIndex(baseOffset, opts.segmentIndexBytes),
        timeIndex: new TimeIndex(baseOffset, opts.segmentIndexBytes),
        indexIntervalBytes: opts.indexIntervalBytes,
        rollJitterMs: opts.rollJitterMs,
        createdMs: opts.nowMs,
        lastModifiedMs: opts.nowMs,
        sizeBytes: 0,
        nextOffset: baseOffset,
        maxTimestampSoFar: -1,
        offsetOfMaxTimestampSoFar: -1,
        rollingBasedTimestamp: -1,
        bytesSinceLastIndexEntry: 0,
      },
      null,
      true,
    )
    const opening = seg.#openFiles()
    seg.#opening = opening
    opening.catch(() => {}) // reported to whoever awaits ready()
    return seg
  }

  /** Start-up only: the synchronous counterpart of createNew. */
  static createNewSync(
    dir: string,
    baseOffset: number,
    opts: { segmentIndexBytes: number; indexIntervalBytes: number; rollJitterMs: number; nowMs: number },
  ): Segment {
    const fds = {
      log: fs.openSync(logFilePath(dir, baseOffset), OPEN_NEW),
      index: fs.openSync(offsetIndexFilePath(dir, baseOffset), OPEN_NEW),
      timeIndex: fs.openSync(timeIndexFilePath(dir, baseOffset), OPEN_NEW),
    }
    return new Segment(
      {
        dir,
        baseOffset,
        offsetIndex: new OffsetIndex(baseOffset, opts.segmentIndexBytes),
        timeIndex: new TimeIndex(baseOffset, opts.segmentIndexBytes),
        indexIntervalBytes: opts.indexIntervalBytes,
        rollJitterMs: opts.rollJitterMs,
        createdMs: opts.nowMs,
        lastModifiedMs: opts.nowMs,
        sizeBytes: 0,
        nextOffset: baseOffset,
        maxTimestampSoFar: -1,
        offsetOfMaxTimestampSoFar: -1,
        rollingBasedTimestamp: -1,
        bytesSinceLastIndexEntry: 0,
      },
      fds,
      true,
    )
  }

  async #openFiles(): Promise<void> {
    const opened: number[] = []
    try {
      const log = await openFile(this.#paths.log, OPEN_NEW)
      opened.push(log)
      const index = await openFile(this.#paths.index, OPEN_NEW)
      opened.push(index)
      const timeIndex = await openFile(this.#paths.timeIndex, OPEN_NEW)
      this.#attach({ log, index, timeIndex })
    } catch (err) {
      for (const fd of opened) await closeFile(fd).catch(() => {})
      throw err
    }
  }

  #attach(fds: SegmentFds): void {
    this.#fds = fds
    this.offsetIndex.file.attach(fds.index)
    this.timeIndex.file.attach(fds.timeIndex)
  }

  /** Resolves once the segment's files are open. */
  async ready(): Promise<void> {
    if (this.#opening !== null) await this.#opening
  }

  get logPath(): string {
    return this.#paths.log
  }

  /** Bytes assigned to the segment, written or queued. */
  get size(): number {
    return this.#size
  }

  get writtenBytes(): number {
    return this.#writtenBytes
  }

  get flushedBytes(): number {
    return this.#flushedBytes
  }

  /** One past the last offset assigned to this segment (exact for the active segment). */
  get nextOffset(): number {
    return this.#nextOffset
  }

  get maxTimestampSoFar(): number {
    return this.#maxTimestampSoFar
  }

  get offsetOfMaxTimestampSoFar(): number {
    return this.#offsetOfMaxTimestampSoFar
  }

  get lastModifiedMs(): number {
    return this.#lastModifiedMs
  }

  /** Kafka's largestTimestamp: the max record timestamp, or the file's modification time without one. */
  get largestTimestamp(): number {
    return this.#maxTimestampSoFar >= 0 ? this.#maxTimestampSoFar : this.#lastModifiedMs
  }

  get isClosed(): boolean {
    return this.#closed
  }

  /** True when bytes or index entries are not yet fsynced. */
  get needsFlush(): boolean {
    return this.#flushedBytes < this.#size || this.#syncedIndexVersion !== this.#indexVersion
  }

  canConvertToRelativeOffset(offset: number): boolean {
    const rel = offset - this.baseOffset
    return rel >= 0 && rel <= INT32_MAX
  }

  /**
   * The first batch's max timestamp (Kafka's getFirstBatchTimestamp, used for max.compaction.lag.ms);
   * -1 when the segment is empty or was opened without reading it (see loadFirstBatchTimestamp).
   */
  get firstBatchTimestamp(): number {
    return this.#rollingBasedTimestamp
  }

  /** Reads the first batch header when it was not read at load time; returns firstBatchTimestamp. */
  async loadFirstBatchTimestamp(): Promise<number> {
    if (this.#rollingBasedTimestamp >= 0 || this.#writtenBytes < BATCH_HEADER_BYTES) return this.#rollingBasedTimestamp
    const head = Buffer.allocUnsafe(BATCH_HEADER_BYTES)
    const n = await this.#io((fds) => readAt(fds.log, head, 0, BATCH_HEADER_BYTES, 0))
    if (n === BATCH_HEADER_BYTES && this.#rollingBasedTimestamp < 0)
      this.#rollingBasedTimestamp = batchMaxTimestamp(head, 0)
    return this.#rollingBasedTimestamp
  }

  /** Kafka's timeWaitedForRoll: measured from the first batch's timestamp, else from creation. */
  timeWaitedForRoll(nowMs: number, messageTimestamp: number): number {
    return this.#rollingBasedTimestamp >= 0 ? messageTimestamp - this.#rollingBasedTimestamp : nowMs - this.createdMs
  }

  /** Kafka's LogSegment.shouldRoll. */
  shouldRoll(p: RollParams): boolean {
    const reachedRollMs = this.timeWaitedForRoll(p.nowMs, p.maxTimestampInMessages) > p.maxSegmentMs - this.rollJitterMs
    return (
      this.#size > p.maxSegmentBytes - p.messagesBytes ||
      (this.#size > 0 && reachedRollMs) ||
      this.offsetIndex.isFull() ||
      this.timeIndex.isFull() ||
      !this.canConvertToRelativeOffset(p.maxOffsetInMessages)
    )
  }

  /**
   * Records one batch appended at the current end (in memory; the bytes are written by the caller). Adds an
   * offset index entry for the batch's last offset at its start position once more than
   * index.interval.bytes were appended since the previous entry, and a time index entry alongside it when
   * the max timestamp grew (Kafka's LogSegment.append).
   */
  appendBatch(sizeBytes: number, lastOffset: number, maxTimestamp: number, nowMs: number): void {
    assert(!this.#closed, 'append to a closed segment')
    assert(lastOffset >= this.#nextOffset || this.#size === 0, 'segment offsets must increase')
    assert(this.canConvertToRelativeOffset(lastOffset), 'offset outside int32 of the segment base offset')
    const position = this.#size
    if (position === 0) this.#rollingBasedTimestamp = maxTimestamp
    if (maxTimestamp > this.#maxTimestampSoFar) {
      this.#maxTimestampSoFar = maxTimestamp
      this.#offsetOfMaxTimestampSoFar = lastOffset
    }
    if (this.#bytesSinceLastIndexEntry > this.indexIntervalBytes && !this.offsetIndex.isFull()) {
      this.offsetIndex.append(lastOffset, position)
      if (this.#maxTimestampSoFar >= 0 && !this.timeIndex.isFull()) {
        this.timeIndex.maybeAppend(this.#maxTimestampSoFar, this.#offsetOfMaxTimestampSoFar)
      }
      this.#bytesSinceLastIndexEntry = 0
      this.#indexVersion++
    }
    this.#bytesSinceLastIndexEntry += sizeBytes
    this.#size += sizeBytes
    this.#nextOffset = lastOffset + 1
    this.#lastModifiedMs = nowMs
  }

  /** Called by the writer once `bytes` more are in the file. */
  noteWritten(bytes: number): void {
    this.#writtenBytes += bytes
    assert(this.#writtenBytes <= this.#size, 'wrote more bytes than were appended')
  }

  /** Index entries waiting in memory, to decide when to write them out. */
  get pendingIndexEntries(): number {
    return Math.max(this.offsetIndex.pendingEntries, this.timeIndex.pendingEntries)
  }

  /** Kafka's onBecomeInactiveSegment: the final time index entry holds the segment's max timestamp. */
  onBecomeInactive(): void {
    if (this.#maxTimestampSoFar >= 0) {
      const before = this.timeIndex.entries
      this.timeIndex.maybeAppend(this.#maxTimestampSoFar, this.#offsetOfMaxTimestampSoFar, true)
      if (this.timeIndex.entries !== before) this.#indexVersion++
    }
  }

  /** Runs `fn` with the log fd while holding the close gate. */
  async #io<T>(fn: (fds: SegmentFds) => Promise<T>): Promise<T> {
    if (this.#closed) throw new SamsaError(SamsaErrorCode.StorageClosed, `segment ${this.#paths.log} is closed`)
    this.#inflight++
    try {
      await this.ready()
      const fds = this.#fds
      assert(fds !== null, 'segment files not open')
      return await fn(fds)
    } finally {
      this.#inflight--
      if (this.#inflight === 0) for (const w of this.#idleWaiters.splice(0)) w()
    }
  }

  /** The log fd for the writer (the caller holds the order of writes). */
  async writeFd(): Promise<number> {
    await this.ready()
    assert(this.#fds !== null, 'segment files not open')
    return this.#fds.log
  }

  /** Runs a write through the close gate. */
  write<T>(fn: (fd: number) => Promise<T>): Promise<T> {
    return this.#io((fds) => fn(fds.log))
  }

  /** Writes the index entries not yet in their files. */
  persistIndexes(): Promise<void> {
    if (this.#closed) return Promise.resolve()
    return this.#io(async () => {
      await Promise.all([this.offsetIndex.persist(), this.timeIndex.persist()])
    })
  }

  /** Writes pending index entries and fdatasyncs the log and index files up to what is written. */
  flush(): Promise<void> {
    return this.#io(async (fds) => {
      const written = this.#writtenBytes
      const indexVersion = this.#indexVersion
      const syncIndexes = indexVersion !== this.#syncedIndexVersion
      await Promise.all([this.offsetIndex.persist(), this.timeIndex.persist()])
      const syncs: Promise<void>[] = []
      if (written > this.#flushedBytes) syncs.push(datasync(fds.log))
      if (syncIndexes) syncs.push(datasync(fds.index), datasync(fds.timeIndex))
      await Promise.all(syncs)
      if (written > this.#flushedBytes) this.#flushedBytes = written
      this.#syncedIndexVersion = indexVersion
    })
  }

  /**
   * Visits every complete batch written in [position, writtenBytes) in order, reading in chunks. `visit`
   * returns true to stop. Returns the file position where the walk ended.
   */
  async #scan(
    fd: number,
    position: number,
    visit: (buf: Buffer, p: number, filePosition: number) => boolean | Promise<boolean>,
  ): Promise<number> {
    let pos = position
    let chunkBytes = SCAN_CHUNK_BYTES
    while (pos < this.#writtenBytes) {
      const len = Math.min(chunkBytes, this.#writtenBytes - pos)
      const buf = Buffer.allocUnsafe(len)
      const n = await readAt(fd, buf, 0, len, pos)
      let p = 0
      while (p + BATCH_HEADER_BYTES <= n) {
        const size = batchSize(buf, p)
        if (size < BATCH_HEADER_BYTES)
          throw storageCorrupt(`batch of ${size} bytes at ${pos + p} in ${this.#paths.log}`)
        if (p + size > n) break
        if (await visit(buf, p, pos + p)) return pos + p
        p += size
      }
      if (p === 0) {
        if (n < BATCH_HEADER_BYTES) throw storageCorrupt(`truncated batch at ${pos} in ${this.#paths.log}`)
        chunkBytes = Math.max(chunkBytes, batchSize(buf, 0))
        continue
      }
      pos += p
    }
    return pos
  }

  /**
   * Reads the batch containing `startOffset` and the whole batches after it, at most `maxBytes` (the first
   * batch whole regardless when `minOneMessage`), none with a base offset >= `maxOffset`. One read of
   * maxBytes plus the index interval from the index floor; another only when the first batch is larger.
   * Returns null when no written batch of this segment has a last offset >= startOffset. Read buffers
   * come from `allocate` (a Fetch borrows them from a pool until its response is written).
   */
  read(
    startOffset: number,
    maxBytes: number,
    maxOffset: number,
    minOneMessage: boolean,
    allocate: AllocateBuffer = Buffer.allocUnsafe,
  ): Promise<SegmentReadResult | null> {
    return this.#io(async (fds) => {
      const limit = this.#writtenBytes
      let pos = this.offsetIndex.lookup(startOffset).position
      if (pos >= limit) return null
      let chunkBytes = Math.min(limit - pos, Math.max(0, maxBytes) + this.indexIntervalBytes + BATCH_HEADER_BYTES)
      for (;;) {
        let buf = allocate(chunkBytes)
        const n = await readAt(fds.log, buf, 0, chunkBytes, pos)
        if (n < chunkBytes) buf = buf.subarray(0, n)
        let p = 0
        let start = -1
        while (p + BATCH_HEADER_BYTES <= buf.length) {
          const size = batchSize(buf, p)
          if (size < BATCH_HEADER_BYTES)
            throw storageCorrupt(`batch of ${size} bytes at ${pos + p} in ${this.#paths.log}`)
          if (batchBaseOffset(buf, p) + batchLastOffsetDelta(buf, p) >= startOffset) {
            start = p
            break
          }
          p += size
        }
        if (start < 0) {
          if (pos + p >= limit) return null
          if (p === 0) throw storageCorrupt(`truncated batch at ${pos} in ${this.#paths.log}`)
          pos += p
          chunkBytes = Math.min(limit - pos, chunkBytes)
          continue
        }
        const firstSize = batchSize(buf, start)
        const firstOffset = batchBaseOffset(buf, start)
        if (firstOffset >= maxOffset || (!minOneMessage && firstSize > maxBytes)) {
          return { records: buf.subarray(0, 0), firstOffset: startOffset, nextOffset: startOffset }
        }
        if (start + firstSize > buf.length) {
          const batchPosition = pos + start
          const want = Math.min(limit - batchPosition, Math.max(firstSize, maxBytes))
          buf = allocate(want)
          const m = await readAt(fds.log, buf, 0, want, batchPosition)
          if (m < firstSize) throw storageCorrupt(`short read of batch at ${batchPosition} in ${this.#paths.log}`)
          if (m < want) buf = buf.subarray(0, m)
          start = 0
        }
        return collectBatches(buf, start, maxBytes, maxOffset)
      }
    })
  }

  /**
   * Kafka's LogSegment.findOffsetByTimestamp: the first record at or after `startingOffset` whose
   * timestamp is >= `timestamp`, searching from the time index floor; null when none in this segment.
   */
  findOffsetByTimestamp(
    timestamp: number,
    startingOffset: number,
    decompress?: Decompress,
  ): Promise<TimestampAndOffset | null> {
    return this.#io(async (fds) => {
      const floor = this.timeIndex.lookup(timestamp)
      const position = this.offsetIndex.lookup(Math.max(floor.offset, startingOffset)).position
      let result: TimestampAndOffset | null = null
      await this.#scan(fds.log, position, async (buf, p) => {
        if (batchMaxTimestamp(buf, p) < timestamp) return false
        const lastOffset = batchBaseOffset(buf, p) + batchLastOffsetDelta(buf, p)
        if (lastOffset < startingOffset) return false
        const leaderEpoch = batchPartitionLeaderEpoch(buf, p)
        return forEachRecordTimestamp(
          buf,
          p,
          (offset, ts, exact) => {
            if (ts < timestamp) return false
            if (offset < startingOffset && exact) return false
            result = { timestamp: ts, offset: Math.max(offset, startingOffset), leaderEpoch }
            return true
          },
          decompress,
        )
      })
      return result
    })
  }

  /** The offset and timestamp of the record with the largest timestamp in this segment (ListOffsets -3). */
  offsetOfMaxTimestamp(decompress?: Decompress): Promise<TimestampAndOffset | null> {
    const ts = this.#maxTimestampSoFar
    if (ts < 0) return Promise.resolve(null)
    return this.#io(async (fds) => {
      const position = this.offsetIndex.lookup(this.#offsetOfMaxTimestampSoFar).position
      let result: TimestampAndOffset | null = null
      await this.#scan(fds.log, position, async (buf, p) => {
        if (batchMaxTimestamp(buf, p) !== ts) return false
        const leaderEpoch = batchPartitionLeaderEpoch(buf, p)
        return forEachRecordTimestamp(
          buf,
          p,
          (offset, recordTs) => {
            if (recordTs !== ts) return false
            result = { timestamp: ts, offset, leaderEpoch }
            return true
          },
          decompress,
        )
      })
      return result
    })
  }

  /**
   * Removes every batch from the one containing `offset` on (Kafka's LogSegment.truncateTo), trims the
   * indexes and recomputes the max timestamp. The caller drained pending writes. Returns bytes removed.
   */
  truncateTo(offset: number): Promise<number> {
    return this.#io(async (fds) => {
      assert(this.#writtenBytes === this.#size, 'truncate with writes pending')
      let position = -1
      await this.#scan(fds.log, this.offsetIndex.lookup(offset).position, (buf, p, filePosition) => {
        if (batchBaseOffset(buf, p) + batchLastOffsetDelta(buf, p) >= offset) {
          position = filePosition
          return true
        }
        return false
      })
      if (position < 0) {
        // Nothing at or after `offset` here (an offset gap): the end simply moves to it.
        this.#nextOffset = Math.max(this.baseOffset, offset)
        return 0
      }
      const removed = this.#size - position
      this.offsetIndex.truncateTo(offset)
      this.offsetIndex.truncateToPosition(position)
      this.timeIndex.truncateTo(offset)
      this.#indexVersion++
      await truncateFile(fds.log, position)
      this.#size = position
      this.#writtenBytes = position
      this.#flushedBytes = Math.min(this.#flushedBytes, position)
      this.#nextOffset = Math.max(this.baseOffset, offset)
      if (position === 0) this.#rollingBasedTimestamp = -1
      this.#bytesSinceLastIndexEntry = position - this.offsetIndex.lastPosition
      // Recompute the max timestamp from the last time index entry on (Kafka's readLargestTimestamp).
      const last = this.timeIndex.lastEntry
      this.#maxTimestampSoFar = last.timestamp
      this.#offsetOfMaxTimestampSoFar = last.timestamp >= 0 ? last.offset : -1
      await this.#scan(fds.log, this.offsetIndex.lookup(last.offset).position, (buf, p) => {
        const ts = batchMaxTimestamp(buf, p)
        if (ts > this.#maxTimestampSoFar) {
          this.#maxTimestampSoFar = ts
          this.#offsetOfMaxTimestampSoFar = batchBaseOffset(buf, p) + batchLastOffsetDelta(buf, p)
        }
        return false
      })
      await Promise.all([this.offsetIndex.persist(), this.timeIndex.persist()])
      return removed
    })
  }

  /** Renames the segment's files with the `.deleted` suffix (Kafka's asynchronous delete, first step). */
  markDeleted(): Promise<void> {
    this.#markingDeleted ??= this.#renameToDeleted()
    return this.#markingDeleted
  }

  async #renameToDeleted(): Promise<void> {
    const renamed = {
      log: this.#paths.log + DELETED_FILE_SUFFIX,
      index: this.#paths.index + DELETED_FILE_SUFFIX,
      timeIndex: this.#paths.timeIndex + DELETED_FILE_SUFFIX,
    }
    await this.ready().catch(() => {})
    await Promise.all([
      renameIfExists(this.#paths.log, renamed.log),
      renameIfExists(this.#paths.index, renamed.index),
      renameIfExists(this.#paths.timeIndex, renamed.timeIndex),
    ])
    this.#paths = renamed
  }

  /** Closes the files once in-flight operations end; persists pending index entries first if open. */
  async close(opts: { persistIndexes: boolean } = { persistIndexes: true }): Promise<void> {
    if (this.#closed) return
    if (opts.persistIndexes) {
      await this.ready().catch(() => {})
      if (this.#fds !== null) await this.persistIndexes()
    }
    this.#closed = true
    if (this.#inflight > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve))
    await this.ready().catch(() => {})
    const fds = this.#fds
    this.#fds = null
    if (fds !== null) await Promise.all([closeFile(fds.log), closeFile(fds.index), closeFile(fds.timeIndex)])
  }

  /** Start-up only: closes the files of a segment that never served a request. */
  closeSync(): void {
    assert(this.#inflight === 0 && this.#opening === null, 'closeSync on a segment in use')
    this.#closed = true
    const fds = this.#fds
    this.#fds = null
    if (fds !== null) for (const fd of [fds.log, fds.index, fds.timeIndex]) fs.closeSync(fd)
  }

  /** Closes and unlinks the segment's files (wherever they were renamed to). */
  async deleteFiles(): Promise<void> {
    if (this.#markingDeleted !== null) await this.#markingDeleted.catch(() => {})
    await this.close({ persistIndexes: false })
    await Promise.all([
      fs.promises.rm(this.#paths.log, { force: true }),
      fs.promises.rm(this.#paths.index, { force: true }),
      fs.promises.rm(this.#paths.timeIndex, { force: true }),
    ])
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await fs.promises.rename(from, to)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}

/**
 * Whole batches of `buf` from `start` (which holds a complete first batch): the first always, then as many
 * as fit in `maxBytes` and start before `maxOffset`.
 */
export function collectBatches(buf: Buffer, start: number, maxBytes: number, maxOffset: number): SegmentReadResult {
  const firstOffset = batchBaseOffset(buf, start)
  let end = start + batchSize(buf, start)
  let nextOffset = firstOffset + batchLastOffsetDelta(buf, start) + 1
  while (end + BATCH_HEADER_BYTES <= buf.length) {
    const size = batchSize(buf, end)
    if (size < BATCH_HEADER_BYTES || end + size > buf.length) break
    if (batchBaseOffset(buf, end) >= maxOffset || end + size - start > maxBytes) break
    nextOffset = batchBaseOffset(buf, end) + batchLastOffsetDelta(buf, end) + 1
    end += size
  }
  return { records: buf.subarray(start, end), firstOffset, nextOffset }
}
