import fs from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../../common/log.ts'
import {
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  batchBaseOffset,
  batchLastOffsetDelta,
  batchSize,
} from '../../protocol/records/record-batch.ts'
import {
  baseOffsetFromFileName,
  INDEX_FILE_SUFFIX,
  LOG_FILE_SUFFIX,
  SWAP_FILE_SUFFIX,
  TIME_INDEX_FILE_SUFFIX,
  TXN_INDEX_FILE_SUFFIX,
} from '../log-file-names.ts'

/**
 * Completes a segment swap interrupted by a crash (Kafka's LogLoader swap handling), before the
 * partition directory is loaded. Start-up only: synchronous file calls.
 *
 * The cleaner's swap protocol (PartitionLog.replaceSegments): the cleaned files are fsynced as
 * `<base>.*.cleaned`, then renamed to `<base>.*.swap` (the log file last) and the directory fsynced; from
 * that moment the cleaned segment is committed. Then the replaced segments are renamed to `.deleted`,
 * and the swap files to their final names. So at start-up:
 *  - `.cleaned` files: the swap never committed; recovery.ts deletes them and the old segments stand.
 *  - a `<base>.log.swap`: committed. Every segment file whose base offset lies in [base, the swap's next
 *    offset) belongs to the replaced group and is deleted; then the swap files take their final names
 *    (a missing index is rebuilt by the loader). A replaced segment whose records all went away during
 *    cleaning may survive this range check: it then holds only superseded records, as before the
 *    cleaning, and the next cleaning removes them.
 *  - index `.swap` files without a log `.swap`: leftovers of a swap that already finished; deleted.
 */
export function completeInterruptedSwapsSync(dir: string, logger: Logger): number {
  const names = fs.readdirSync(dir)
  const swaps: { base: number; next: number }[] = []
  for (const name of names) {
    if (!name.endsWith(SWAP_FILE_SUFFIX)) continue
    const base = baseOffsetFromFileName(name.slice(0, -SWAP_FILE_SUFFIX.length), LOG_FILE_SUFFIX)
    if (base === null) continue
    swaps.push({ base, next: readNextOffsetSync(join(dir, name), base) })
  }
  if (swaps.length === 0) {
    for (const name of names) if (name.endsWith(SWAP_FILE_SUFFIX)) fs.rmSync(join(dir, name), { force: true })
    return 0
  }
  const lo = Math.min(...swaps.map((s) => s.base))
  const hi = Math.max(...swaps.map((s) => s.next))
  for (const name of names) {
    if (name.endsWith(SWAP_FILE_SUFFIX)) continue
    const base = segmentFileBase(name)
    if (base !== null && base >= lo && base < hi) {
      logger.info({ file: name }, 'deleting a segment replaced by an interrupted swap')
      fs.rmSync(join(dir, name), { force: true })
    }
  }
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith(SWAP_FILE_SUFFIX)) continue
    const target = name.slice(0, -SWAP_FILE_SUFFIX.length)
    const base = segmentFileBase(target)
    if (base === null || !swaps.some((s) => s.base === base)) {
      fs.rmSync(join(dir, name), { force: true })
      continue
    }
    fs.renameSync(join(dir, name), join(dir, target))
  }
  logger.warn({ swaps: swaps.map((s) => s.base) }, 'completed segment swaps interrupted by a crash')
  return swaps.length
}

function segmentFileBase(name: string): number | null {
  for (const suffix of [LOG_FILE_SUFFIX, INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX]) {
    const base = baseOffsetFromFileName(name, suffix)
    if (base !== null) return base
  }
  return null
}

/** One past the last offset of the last complete batch in the file (the base offset when none). */
function readNextOffsetSync(path: string, base: number): number {
  const fd = fs.openSync(path, 'r')
  try {
    const size = fs.fstatSync(fd).size
    const head = Buffer.allocUnsafe(BATCH_HEADER_BYTES)
    let pos = 0
    let next = base
    while (pos + BATCH_HEADER_BYTES <= size) {
      if (fs.readSync(fd, head, 0, BATCH_HEADER_BYTES, pos) < BATCH_HEADER_BYTES) break
      const bytes = batchSize(head, 0)
      if (bytes < BATCH_HEADER_BYTES || pos + bytes > size || bytes < BATCH_LOG_OVERHEAD) break
      next = batchBaseOffset(head, 0) + batchLastOffsetDelta(head, 0) + 1
      pos += bytes
    }
    return next
  } finally {
    fs.closeSync(fd)
  }
}
