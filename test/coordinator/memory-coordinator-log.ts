import type { CoordinatorLog } from '../../src/coordinator/runtime/coordinator-log.ts'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { KafkaProtocolError } from '../../src/protocol/kafka-protocol-error.ts'
import { decodeRecordBatches } from '../../src/protocol/records/records.ts'

interface StoredBatch {
  baseOffset: number
  lastOffset: number
  bytes: Buffer
}

/** A coordinator partition log in memory, with write failures and slow writes on demand. */
export class MemoryCoordinatorLog implements CoordinatorLog {
  isLeader = true
  leaderEpoch = 0
  logStartOffset = 0
  readonly batches: StoredBatch[] = []
  /** The next append rejects with this error code (once). */
  failNextAppend: number | null = null
  /** Appends wait for this promise when set (to observe queued operations). */
  gate: Promise<void> | null = null
  appends = 0

  get logEndOffset(): number {
    return this.batches.at(-1)?.lastOffset !== undefined ? this.batches.at(-1)!.lastOffset + 1 : this.logStartOffset
  }

  async read(offset: number, maxBytes: number): Promise<Buffer> {
    const out: Buffer[] = []
    let bytes = 0
    for (const b of this.batches) {
      if (b.lastOffset < offset) continue
      if (out.length > 0 && bytes + b.bytes.length > maxBytes) break
      out.push(b.bytes)
      bytes += b.bytes.length
    }
    return Buffer.concat(out)
  }

  async append(batch: Buffer): Promise<number> {
    this.appends++
    if (this.gate !== null) await this.gate
    if (this.failNextAppend !== null) {
      const code = this.failNextAppend
      this.failNextAppend = null
      throw new KafkaProtocolError(code)
    }
    if (!this.isLeader) throw new KafkaProtocolError(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    const bytes = Buffer.from(batch)
    const baseOffset = this.logEndOffset
    bytes.writeBigInt64BE(BigInt(baseOffset), 0)
    const [decoded] = decodeRecordBatches(bytes)
    const lastOffset = baseOffset + decoded!.lastOffsetDelta
    this.batches.push({ baseOffset, lastOffset, bytes })
    return lastOffset
  }

  /** Appends a batch as another writer would (e.g. records written before a restart). */
  appendRaw(batch: Buffer): Promise<number> {
    return this.append(batch)
  }

  /** Every record written, decoded, in order. */
  records(): { offset: number; key: Buffer | null; value: Buffer | null }[] {
    return this.batches.flatMap((b) => decodeRecordBatches(b.bytes).flatMap((d) => d.records))
  }
}

/** Lets queued promise continuations (the shard's write queue) run. Not a sleep: no time passes. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r))
}
