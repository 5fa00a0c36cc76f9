import { decodeControlRecordKey, decodeRecordBatches } from '../../protocol/records/records.ts'
import type { CoordinatorLog } from './coordinator-log.ts'
import type { CoordinatorRecordSerde, CoordinatorShard } from './coordinator-shard.ts'

export interface LoadStats {
  readonly records: number
  readonly batches: number
  readonly startOffset: number
  readonly endOffset: number
}

const CONTROL_ABORT = 0
const CONTROL_COMMIT = 1

/**
 * Replays a coordinator partition's log into `shard` (Kafka's CoordinatorLoaderImpl): every record from
 * the log start to the log end offset read when loading began. As leader this broker's log is
 * authoritative (a leader never truncates), so records above the high watermark will commit too.
 * Transactional records carry their producer id; commit and abort markers end them. Stops early when
 * `state()` says the partition was unloaded meanwhile.
 */
export async function loadShard<R>(
  log: CoordinatorLog,
  shard: CoordinatorShard<R>,
  serde: CoordinatorRecordSerde<R>,
  bufferBytes: number,
  state: () => string,
): Promise<LoadStats> {
  const startOffset = log.logStartOffset
  const endOffset = log.logEndOffset
  let offset = startOffset
  let records = 0
  let batches = 0
  while (offset < endOffset && state() === 'Loading') {
    const buf = await log.read(offset, bufferBytes)
    if (buf.length === 0) break
    const before = offset
    for (const batch of decodeRecordBatches(buf)) {
      const next = batch.baseOffset + batch.lastOffsetDelta + 1
      if (next <= offset) continue
      batches++
      if (batch.isControl) {
        const first = batch.records[0]
        if (first !== undefined && first.key !== null) {
          const type = decodeControlRecordKey(first.key).type
          if (type === CONTROL_COMMIT || type === CONTROL_ABORT)
            shard.replayEndTransaction(batch.producerId, type === CONTROL_COMMIT)
        }
        offset = next
        continue
      }
      const producerId = batch.isTransactional ? batch.producerId : -1
      for (const rec of batch.records) {
        if (rec.offset < offset || rec.key === null) continue
        const record = serde.deserialize(rec.key, rec.value)
        if (record === null) continue
        shard.replay(rec.offset, producerId, record)
        records++
      }
      offset = next
    }
    if (offset === before) break
  }
  return { records, batches, startOffset, endOffset }
}
