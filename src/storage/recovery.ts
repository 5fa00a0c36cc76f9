import fs from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../common/log.ts'
import {
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  batchBaseOffset,
  batchLastOffsetDelta,
  batchMagic,
  batchMaxTimestamp,
  batchSize,
  isBatchCrcValid,
} from '../protocol/records/record-batch.ts'
import type { LogConfig } from './log-config.ts'
import {
  baseOffsetFromFileName,
  CLEANED_FILE_SUFFIX,
  DELETED_FILE_SUFFIX,
  INDEX_FILE_SUFFIX,
  LOG_FILE_SUFFIX,
  logFilePath,
  offsetIndexFilePath,
  SWAP_FILE_SUFFIX,
  TIME_INDEX_FILE_SUFFIX,
  TMP_FILE_SUFFIX,
  timeIndexFilePath,
} from './log-file-names.ts'
import { OffsetIndex } from './offset-index.ts'
import { Segment } from './segment.ts'
import { TimeIndex } from './time-index.ts'

/**
 * Loading a partition directory at start-up (Kafka's LogLoader). Synchronous file calls are allowed here
 * and only here: nothing is served until the log is open.
 *
 * Without a clean shutdown, every segment from the one holding the recovery point on is scanned: each
 * batch must be complete, at least 61 bytes, magic 2, CRC-valid, with offsets increasing within int32 of
 * the segment base; the first failure truncates the segment there (file and indexes) and deletes every
 * later segment. Segments before the recovery point, and all segments after a clean shutdown, are trusted
 * but their indexes are checked and rebuilt from the log when missing or inconsistent.
 */
export interface LoadLogParams {
  readonly dir: string
  readonly config: LogConfig
  readonly recoveryPoint: number
  readonly logStartOffset: number
  readonly hadCleanShutdown: boolean
  readonly nowMs: number
  readonly logger: Logger
  readonly randomJitterMs: () => number
}

export interface LoadedLog {
  readonly segments: Segment[]
  readonly logStartOffset: number
  readonly logEndOffset: number
  readonly recoveryPoint: number
  /** Segments scanned batch by batch (recovered or index rebuilt). */
  readonly recoveredSegments: number
  /** Bytes cut from torn or corrupt tails, including deleted later segments. */
  readonly truncatedBytes: number
}

/** Read size of start-up scans. */
const RECOVERY_CHUNK_BYTES = 8 * 1024 * 1024
const INT32_MAX = 2 ** 31 - 1
const OPEN_RW = fs.constants.O_RDWR | fs.constants.O_CREAT

interface ScanState {
  validBytes: number
  nextOffset: number
  maxTimestampSoFar: number
  offsetOfMaxTimestampSoFar: number
  firstBatchTimestamp: number
  lastIndexEntryPosition: number
}

type BatchCheck = (buf: Buffer, p: number, filePosition: number) => string | null

/**
 * Walks the batches of `fd` from `from` to `fileBytes`, calling `visit` for each complete batch whose
 * frame and `check` pass. Returns the end of the last accepted batch and why the walk stopped.
 */
function walkBatchesSync(
  fd: number,
  from: number,
  fileBytes: number,
  check: BatchCheck,
  visit: (buf: Buffer, p: number, filePosition: number) => void,
): { end: number; problem: string | null } {
  let pos = from
  let buf = Buffer.allocUnsafe(Math.min(RECOVERY_CHUNK_BYTES, Math.max(fileBytes - from, BATCH_HEADER_BYTES)))
  while (pos < fileBytes) {
    const len = Math.min(buf.length, fileBytes - pos)
    const n = fs.readSync(fd, buf, 0, len, pos)
    let p = 0
    while (p < n) {
      if (pos + p + BATCH_LOG_OVERHEAD > fileBytes) return { end: pos + p, problem: 'torn batch header at the end' }
      if (p + BATCH_LOG_OVERHEAD > n) break
      const size = batchSize(buf, p)
      if (size < BATCH_HEADER_BYTES) return { end: pos + p, problem: `batch size ${size} below the minimum` }
      if (pos + p + size > fileBytes) return { end: pos + p, problem: 'torn batch at the end' }
      if (p + size > n) break
      const err = check(buf, p, pos + p)
      if (err !== null) return { end: pos + p, problem: err }
      visit(buf, p, pos + p)
      p += size
    }
    if (p === 0) {
      // The next batch is larger than the buffer: grow it (bounded by the file size checked above).
      buf = Buffer.allocUnsafe(Math.max(buf.length * 2, batchSize(buf, 0)))
      continue
    }
    pos += p
  }
  return { end: pos, problem: null }
}

function frameCheck(
  segmentBase: number,
  state: ScanState,
  nextSegmentBase: number | undefined,
  verifyCrc: boolean,
): BatchCheck {
  return (buf, p) => {
    if (batchMagic(buf, p) !== 2) return `magic ${batchMagic(buf, p)} is not 2`
    if (verifyCrc && !isBatchCrcValid(buf, p)) return 'CRC mismatch'
    const base = batchBaseOffset(buf, p)
    const delta = batchLastOffsetDelta(buf, p)
    if (delta < 0) return `negative lastOffsetDelta ${delta}`
    if (base < state.nextOffset) return `base offset ${base} below the expected ${state.nextOffset}`
    if (base + delta - segmentBase > INT32_MAX) return `offset ${base + delta} out of the segment's int32 range`
    if (nextSegmentBase !== undefined && base + delta >= nextSegmentBase) {
      return `offset ${base + delta} overlaps the next segment at ${nextSegmentBase}`
    }
    return null
  }
}

/** Rewrites an index file with exactly the index's entries (start-up only). */
function rewriteIndexFileSync(fd: number, data: Buffer): void {
  fs.ftruncateSync(fd, 0)
  if (data.length > 0) fs.writeSync(fd, data, 0, data.length, 0)
}

interface SegmentSource {
  readonly dir: string
  readonly baseOffset: number
  readonly nextBaseOffset: number | undefined
  readonly config: LogConfig
  readonly nowMs: number
  readonly rollJitterMs: number
}

function openSegmentFdsSync(src: SegmentSource): { log: number; index: number; timeIndex: number } {
  return {
    log: fs.openSync(logFilePath(src.dir, src.baseOffset), OPEN_RW),
    index: fs.openSync(offsetIndexFilePath(src.dir, src.baseOffset), OPEN_RW),
    timeIndex: fs.openSync(timeIndexFilePath(src.dir, src.baseOffset), OPEN_RW),
  }
}

/**
 * Kafka's LogSegment.recover: validates every batch, rebuilds both indexes with the append path's rule,
 * truncates the log at the first invalid batch. Returns the segment and the bytes cut.
 */
export function recoverSegmentSync(src: SegmentSource): {
  segment: Segment
  truncatedBytes: number
  problem: string | null
} {
  const fds = openSegmentFdsSync(src)
  const stat = fs.fstatSync(fds.log)
  const offsetIndex = new OffsetIndex(src.baseOffset, src.config.segmentIndexBytes)
  const timeIndex = new TimeIndex(src.baseOffset, src.config.segmentIndexBytes)
  const state: ScanState = {
    validBytes: 0,
    nextOffset: src.baseOffset,
    maxTimestampSoFar: -1,
    offsetOfMaxTimestampSoFar: -1,
    firstBatchTimestamp: -1,
    lastIndexEntryPosition: 0,
  }
  const interval = src.config.indexIntervalBytes
  const { end, problem } = walkBatchesSync(
    fds.log,
    0,
    stat.size,
    frameCheck(src.baseOffset, state, src.nextBaseOffset, true),
    (buf, p, position) => {
      const last = batchBaseOffset(buf, p) + batchLastOffsetDelta(buf, p)
      const maxTimestamp = batchMaxTimestamp(buf, p)
      if (position === 0) state.firstBatchTimestamp = maxTimestamp
      if (maxTimestamp > state.maxTimestampSoFar) {
        state.maxTimestampSoFar = maxTimestamp
        state.offsetOfMaxTimestampSoFar = last
      }
      if (position - state.lastIndexEntryPosition > interval && !offsetIndex.isFull()) {
        offsetIndex.append(last, position)
        if (state.maxTimestampSoFar >= 0 && !timeIndex.isFull()) {
          timeIndex.maybeAppend(state.maxTimestampSoFar, state.offsetOfMaxTimestampSoFar)
        }
        state.lastIndexEntryPosition = position
      }
      state.validBytes = position + batchSize(buf, p)
      state.nextOffset = last + 1
    },
  )
  const truncatedBytes = stat.size - end
  if (truncatedBytes > 0) fs.ftruncateSync(fds.log, end)
  if (state.maxTimestampSoFar >= 0)
    timeIndex.maybeAppend(state.maxTimestampSoFar, state.offsetOfMaxTimestampSoFar, true)
  rewriteIndexFileSync(fds.index, offsetIndex.encode())
  rewriteIndexFileSync(fds.timeIndex, timeIndex.encode())
  offsetIndex.file.resetFileEntries(offsetIndex.entries)
  timeIndex.file.resetFileEntries(timeIndex.entries)
  const segment = new Segment(
    {
      dir: src.dir,
      baseOffset: src.baseOffset,
      offsetIndex,
      timeIndex,
      indexIntervalBytes: interval,
      rollJitterMs: src.rollJitterMs,
      createdMs: src.nowMs,
      lastModifiedMs: stat.mtimeMs,
      sizeBytes: end,
      nextOffset: state.nextOffset,
      maxTimestampSoFar: state.maxTimestampSoFar,
      offsetOfMaxTimestampSoFar: state.offsetOfMaxTimestampSoFar,
      rollingBasedTimestamp: state.firstBatchTimestamp,
      bytesSinceLastIndexEntry: end - state.lastIndexEntryPosition,
    },
    fds,
    false,
  )
  return { segment, truncatedBytes, problem: truncatedBytes > 0 ? problem : null }
}

/**
 * Opens a segment written before the recovery point or before a clean shutdown: loads its indexes and
 * checks them; for the last segment, walks the batch headers after the last index entry to find the log
 * end offset and max timestamp. Returns null when an index is missing or inconsistent (rebuild needed).
 */
function loadTrustedSegmentSync(src: SegmentSource, isLast: boolean, logger: Logger): Segment | null {
  const indexPath = offsetIndexFilePath(src.dir, src.baseOffset)
  const timeIndexPath = timeIndexFilePath(src.dir, src.baseOffset)
  if (!fs.existsSync(indexPath) || !fs.existsSync(timeIndexPath)) {
    logger.warn({ baseOffset: src.baseOffset }, 'index file missing; rebuilding it from the log')
    return null
  }
  const logBytes = fs.statSync(logFilePath(src.dir, src.baseOffset)).size
  const offsetIndex = new OffsetIndex(src.baseOffset, src.config.segmentIndexBytes)
  const timeIndex = new TimeIndex(src.baseOffset, src.config.segmentIndexBytes)
  const indexProblem =
    offsetIndex.load(fs.readFileSync(indexPath), logBytes) ??
    timeIndex.load(fs.readFileSync(timeIndexPath), src.nextBaseOffset ?? Number.MAX_SAFE_INTEGER)
  if (indexProblem !== null) {
    logger.warn({ baseOffset: src.baseOffset, problem: indexProblem }, 'corrupt index file; rebuilding it from the log')
    return null
  }
  const fds = openSegmentFdsSync(src)
  const stat = fs.fstatSync(fds.log)
  const lastTime = timeIndex.lastEntry
  const state: ScanState = {
    validBytes: 0,
    nextOffset: src.baseOffset,
    maxTimestampSoFar: lastTime.timestamp,
    offsetOfMaxTimestampSoFar: lastTime.timestamp >= 0 ? lastTime.offset : -1,
    firstBatchTimestamp: -1,
    lastIndexEntryPosition: offsetIndex.lastPosition,
  }
  let size = stat.size
  if (isLast) {
    const tail = scanTrustedTailSync(fds.log, stat.size, offsetIndex, state)
    if (tail === null || (timeIndex.entries > 0 && timeIndex.lastEntry.offset >= state.nextOffset)) {
      closeFdsSync(fds)
      logger.warn({ baseOffset: src.baseOffset }, 'offset index does not match the log; rebuilding it')
      return null
    }
    if (tail.end < stat.size) {
      logger.warn(
        { baseOffset: src.baseOffset, truncatedBytes: stat.size - tail.end, problem: tail.problem },
        'truncating torn tail',
      )
      fs.ftruncateSync(fds.log, tail.end)
      size = tail.end
    }
  } else {
    // Only the active segment needs an exact end; earlier ones end where the next begins.
    state.nextOffset = src.nextBaseOffset ?? src.baseOffset
  }
  return new Segment(
    {
      dir: src.dir,
      baseOffset: src.baseOffset,
      offsetIndex,
      timeIndex,
      indexIntervalBytes: src.config.indexIntervalBytes,
      rollJitterMs: src.rollJitterMs,
      createdMs: src.nowMs,
      lastModifiedMs: stat.mtimeMs,
      sizeBytes: size,
      nextOffset: state.nextOffset,
      maxTimestampSoFar: state.maxTimestampSoFar,
      offsetOfMaxTimestampSoFar: state.offsetOfMaxTimestampSoFar,
      rollingBasedTimestamp: state.firstBatchTimestamp,
      bytesSinceLastIndexEntry: size - offsetIndex.lastPosition,
    },
    fds,
    true,
  )
}

/**
 * Walks headers from the last offset index entry (or the time index's max entry, if earlier) to the end
 * of a trusted segment. Returns null when the batch at the last index entry is not the indexed one.
 */
function scanTrustedTailSync(
  fd: number,
  fileBytes: number,
  offsetIndex: OffsetIndex,
  state: ScanState,
): { end: number; problem: string | null } | null {
  if (fileBytes >= BATCH_HEADER_BYTES) {
    const head = Buffer.allocUnsafe(BATCH_HEADER_BYTES)
    fs.readSync(fd, head, 0, BATCH_HEADER_BYTES, 0)
    state.firstBatchTimestamp = batchMaxTimestamp(head, 0)
  }
  const hasEntries = offsetIndex.entries > 0
  const from =
    state.offsetOfMaxTimestampSoFar < 0
      ? offsetIndex.lastPosition
      : Math.min(offsetIndex.lookup(state.offsetOfMaxTimestampSoFar).position, offsetIndex.lastPosition)
  let matched = !hasEntries
  const result = walkBatchesSync(
    fd,
    from,
    fileBytes,
    (buf, p, position) => {
      if (batchMagic(buf, p) !== 2) return `magic ${batchMagic(buf, p)} is not 2`
      if (position === offsetIndex.lastPosition && hasEntries) {
        if (batchBaseOffset(buf, p) + batchLastOffsetDelta(buf, p) !== offsetIndex.lastOffset) return 'index mismatch'
        matched = true
      }
      return null
    },
    (buf, p) => {
      const last = batchBaseOffset(buf, p) + batchLastOffsetDelta(buf, p)
      const ts = batchMaxTimestamp(buf, p)
      if (ts > state.maxTimestampSoFar) {
        state.maxTimestampSoFar = ts
        state.offsetOfMaxTimestampSoFar = last
      }
      state.nextOffset = last + 1
    },
  )
  if (!matched) return null
  return result
}

function closeFdsSync(fds: { log: number; index: number; timeIndex: number }): void {
  fs.closeSync(fds.log)
  fs.closeSync(fds.index)
  fs.closeSync(fds.timeIndex)
}

function deleteSegmentFilesSync(dir: string, baseOffset: number): void {
  for (const path of [
    logFilePath(dir, baseOffset),
    offsetIndexFilePath(dir, baseOffset),
    timeIndexFilePath(dir, baseOffset),
  ]) {
    fs.rmSync(path, { force: true })
  }
}

/** Removes leftovers of interrupted deletes and writes; returns the base offsets of the `.log` files. */
function cleanDirectorySync(dir: string, logger: Logger): number[] {
  const names = fs.readdirSync(dir)
  const bases: number[] = []
  for (const name of names) {
    if (name.endsWith(DELETED_FILE_SUFFIX) || name.endsWith(CLEANED_FILE_SUFFIX) || name.endsWith(TMP_FILE_SUFFIX)) {
      fs.rmSync(join(dir, name), { force: true })
    } else if (name.endsWith(SWAP_FILE_SUFFIX)) {
      logger.warn({ file: name }, 'ignoring swap file left by an interrupted compaction')
    } else {
      const base = baseOffsetFromFileName(name, LOG_FILE_SUFFIX)
      if (base !== null) bases.push(base)
    }
  }
  const known = new Set(bases)
  for (const name of names) {
    const base = baseOffsetFromFileName(name, INDEX_FILE_SUFFIX) ?? baseOffsetFromFileName(name, TIME_INDEX_FILE_SUFFIX)
    if (base !== null && !known.has(base)) {
      logger.warn({ file: name }, 'deleting orphaned index file')
      fs.rmSync(join(dir, name), { force: true })
    }
  }
  return bases.sort((a, b) => a - b)
}

export function loadLogSync(params: LoadLogParams): LoadedLog {
  const { dir, config, logger } = params
  const bases = cleanDirectorySync(dir, logger)
  const segments: Segment[] = []
  let recoveredSegments = 0
  let truncatedBytes = 0
  for (let i = 0; i < bases.length; i++) {
    const src: SegmentSource = {
      dir,
      baseOffset: bases[i]!,
      nextBaseOffset: bases[i + 1],
      config,
      nowMs: params.nowMs,
      rollJitterMs: params.randomJitterMs(),
    }
    const isLast = i === bases.length - 1
    const needsRecovery = !params.hadCleanShutdown && (isLast || src.nextBaseOffset! > params.recoveryPoint)
    let segment = needsRecovery ? null : loadTrustedSegmentSync(src, isLast, logger)
    if (segment === null) {
      const r = recoverSegmentSync(src)
      recoveredSegments++
      segment = r.segment
      if (r.truncatedBytes > 0) {
        truncatedBytes += r.truncatedBytes
        logger.warn(
          { baseOffset: src.baseOffset, truncatedBytes: r.truncatedBytes, problem: r.problem },
          'truncated invalid bytes at the end of a segment',
        )
        // Kafka: everything after a corrupt batch is gone, including later segments.
        for (const later of bases.slice(i + 1)) {
          truncatedBytes += fs.statSync(logFilePath(dir, later)).size
          deleteSegmentFilesSync(dir, later)
          logger.warn({ baseOffset: later }, 'deleted segment after a corrupt one')
        }
        bases.length = i + 1
      }
    }
    segments.push(segment)
  }
  // Segments wholly below the log start offset may remain from before a crash: they go with retention.
  if (segments.length === 0) {
    segments.push(
      Segment.createNewSync(dir, params.logStartOffset, {
        segmentIndexBytes: config.segmentIndexBytes,
        indexIntervalBytes: config.indexIntervalBytes,
        rollJitterMs: params.randomJitterMs(),
        nowMs: params.nowMs,
      }),
    )
  }
  if (params.logStartOffset > segments.at(-1)!.nextOffset) {
    // Everything on disk is below the log start offset: start over there (Kafka's truncateFullyAndStartAt).
    logger.warn(
      { logStartOffset: params.logStartOffset, logEndOffset: segments.at(-1)!.nextOffset },
      'log start offset beyond the log end; starting an empty log',
    )
    for (const s of segments) {
      s.closeSync()
      deleteSegmentFilesSync(dir, s.baseOffset)
    }
    segments.length = 0
    segments.push(
      Segment.createNewSync(dir, params.logStartOffset, {
        segmentIndexBytes: config.segmentIndexBytes,
        indexIntervalBytes: config.indexIntervalBytes,
        rollJitterMs: params.randomJitterMs(),
        nowMs: params.nowMs,
      }),
    )
  }
  if (!params.hadCleanShutdown) dropEmptySegmentsAfterLostTail(segments, params.recoveryPoint, dir, logger)
  const last = segments.at(-1)!
  const logEndOffset = last.nextOffset
  const logStartOffset = Math.max(params.logStartOffset, segments[0]!.baseOffset)
  const recoveryPoint = params.hadCleanShutdown ? logEndOffset : Math.min(params.recoveryPoint, logEndOffset)
  return { segments, logStartOffset, logEndOffset, recoveryPoint, recoveredSegments, truncatedBytes }
}

/**
 * A roll creates the new segment's files at once, while the last batches of the old segment may still
 * be queued for writing; a crash in between leaves an empty new segment whose base offset lies beyond
 * what the old segment holds. Those offsets were never written (and so never acknowledged): drop the
 * empty segment so the log end offset returns to the end of the data and offsets stay dense. Only
 * beyond the recovery point, where data may legitimately be missing after a crash; a gap before an
 * empty segment below it is a compacted tail and stays.
 */
function dropEmptySegmentsAfterLostTail(segments: Segment[], recoveryPoint: number, dir: string, logger: Logger): void {
  while (segments.length >= 2) {
    const last = segments.at(-1)!
    const previous = segments.at(-2)!
    if (last.size !== 0 || last.baseOffset <= previous.nextOffset || previous.nextOffset < recoveryPoint) return
    logger.warn(
      { baseOffset: last.baseOffset, dataEndOffset: previous.nextOffset },
      'deleted an empty segment rolled past batches lost in a crash',
    )
    last.closeSync()
    deleteSegmentFilesSync(dir, last.baseOffset)
    segments.pop()
  }
}
