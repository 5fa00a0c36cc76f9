import fs from 'node:fs'
import {
  batchBaseOffset,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchSize,
} from '../../protocol/records/record-batch.ts'
import { CLEANED_FILE_SUFFIX, logFilePath, offsetIndexFilePath, timeIndexFilePath } from '../log-file-names.ts'
import { OffsetIndex } from '../offset-index.ts'
import { TimeIndex } from '../time-index.ts'
import type { CleanStats } from './segment-cleaner.ts'
import type { Throttler } from './throttler.ts'

const OPEN_NEW = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC

export interface CleanedSegmentFacts {
  readonly sizeBytes: number
  readonly maxTimestamp: number
  readonly offsetOfMaxTimestamp: number
  readonly firstBatchTimestamp: number
  readonly offsetIndex: Buffer
  readonly timeIndex: Buffer
}

/**
 * Writes one cleaned segment: `<base>.log.cleaned` through a bounded write buffer, then its
 * `.index.cleaned` and `.timeindex.cleaned`, everything fsynced before `finish()` returns. Index entries
 * follow the append path's rule (Segment.appendBatch): an offset entry for a batch's last offset at its
 * position once more than index.interval.bytes were written since the previous one, a time entry when
 * the max timestamp grew, and a final time entry for the segment's max timestamp.
 */
export class CleanedSegmentWriter {
  readonly #dir: string
  readonly #baseOffset: number
  readonly #fd: number
  readonly #indexIntervalBytes: number
  readonly #throttler: Throttler
  readonly #stats: CleanStats
  readonly offsetIndex: OffsetIndex
  readonly timeIndex: TimeIndex
  #buffer: Buffer
  #buffered = 0
  #size = 0
  #bytesSinceLastIndexEntry = 0
  #maxTimestamp = -1
  #offsetOfMaxTimestamp = -1
  #firstBatchTimestamp = -1

  constructor(
    dir: string,
    baseOffset: number,
    opts: { segmentIndexBytes: number; indexIntervalBytes: number; ioBufferBytes: number },
    throttler: Throttler,
    stats: CleanStats,
  ) {
    this.#dir = dir
    this.#baseOffset = baseOffset
    this.#indexIntervalBytes = opts.indexIntervalBytes
    this.#throttler = throttler
    this.#stats = stats
    this.offsetIndex = new OffsetIndex(baseOffset, opts.segmentIndexBytes)
    this.timeIndex = new TimeIndex(baseOffset, opts.segmentIndexBytes)
    this.#buffer = Buffer.allocUnsafe(opts.ioBufferBytes)
    this.#fd = fs.openSync(logFilePath(dir, baseOffset) + CLEANED_FILE_SUFFIX, OPEN_NEW)
  }

  /** Appends the whole batch at `buf[pos..]`. */
  append(buf: Buffer, pos: number): void {
    const size = batchSize(buf, pos)
    const lastOffset = batchBaseOffset(buf, pos) + batchLastOffsetDelta(buf, pos)
    const maxTimestamp = batchMaxTimestamp(buf, pos)
    const position = this.#size
    if (position === 0) this.#firstBatchTimestamp = maxTimestamp
    if (maxTimestamp > this.#maxTimestamp) {
      this.#maxTimestamp = maxTimestamp
      this.#offsetOfMaxTimestamp = lastOffset
    }
    if (this.#bytesSinceLastIndexEntry > this.#indexIntervalBytes && !this.offsetIndex.isFull()) {
      this.offsetIndex.append(lastOffset, position)
      if (this.#maxTimestamp >= 0 && !this.timeIndex.isFull())
        this.timeIndex.maybeAppend(this.#maxTimestamp, this.#offsetOfMaxTimestamp)
      this.#bytesSinceLastIndexEntry = 0
    }
    this.#bytesSinceLastIndexEntry += size
    this.#size += size
    if (this.#buffered + size > this.#buffer.length) this.#drain()
    if (size > this.#buffer.length) {
      this.#write(buf.subarray(pos, pos + size))
    } else {
      buf.copy(this.#buffer, this.#buffered, pos, pos + size)
      this.#buffered += size
    }
  }

  #drain(): void {
    if (this.#buffered === 0) return
    this.#write(this.#buffer.subarray(0, this.#buffered))
    this.#buffered = 0
  }

  #write(data: Buffer): void {
    let done = 0
    while (done < data.length) done += fs.writeSync(this.#fd, data, done, data.length - done)
    this.#stats.bytesWritten += data.length
    this.#throttler.maybeThrottle(data.length)
  }

  /** Flushes, writes the indexes, fsyncs all three files and closes the log file. */
  finish(): CleanedSegmentFacts {
    this.#drain()
    fs.fdatasyncSync(this.#fd)
    fs.closeSync(this.#fd)
    if (this.#maxTimestamp >= 0) this.timeIndex.maybeAppend(this.#maxTimestamp, this.#offsetOfMaxTimestamp, true)
    const offsetIndex = this.offsetIndex.encode()
    const timeIndex = this.timeIndex.encode()
    writeSynced(offsetIndexFilePath(this.#dir, this.#baseOffset) + CLEANED_FILE_SUFFIX, offsetIndex)
    writeSynced(timeIndexFilePath(this.#dir, this.#baseOffset) + CLEANED_FILE_SUFFIX, timeIndex)
    return {
      sizeBytes: this.#size,
      maxTimestamp: this.#maxTimestamp,
      offsetOfMaxTimestamp: this.#offsetOfMaxTimestamp,
      firstBatchTimestamp: this.#firstBatchTimestamp,
      offsetIndex,
      timeIndex,
    }
  }

  /** Closes the log file after a failure (the `.cleaned` files are removed by the caller or at start-up). */
  abandon(): void {
    try {
      fs.closeSync(this.#fd)
    } catch {
      // already closed
    }
  }
}

function writeSynced(path: string, data: Buffer): void {
  const fd = fs.openSync(path, OPEN_NEW)
  try {
    let done = 0
    while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done)
    fs.fdatasyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/** Removes the `.cleaned` files of a group (after a failed or abandoned cleaning). */
export function removeCleanedFiles(dir: string, baseOffset: number): void {
  for (const path of [
    logFilePath(dir, baseOffset),
    offsetIndexFilePath(dir, baseOffset),
    timeIndexFilePath(dir, baseOffset),
  ]) {
    fs.rmSync(path + CLEANED_FILE_SUFFIX, { force: true })
  }
}
