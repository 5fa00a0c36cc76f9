/**
 * A crash between a roll (which creates the new segment's files at once) and the write of the last
 * batches queued for the old segment leaves an empty segment whose base offset skips offsets that were
 * never written. Recovery must return the log end offset to the end of the data, so offsets stay dense;
 * below the recovery point the same shape is a compacted tail and must stay.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { silentLogger } from '../../src/common/log.ts'
import { FakeScheduler } from '../../src/common/scheduler.ts'
import { encodeRecordBatch } from '../../src/protocol/records/records.ts'
import { defaultLogConfig } from '../../src/storage/log-config.ts'
import { PartitionLog } from '../../src/storage/partition-log.ts'

const name = (offset: number, suffix: string): string => `${String(offset).padStart(20, '0')}${suffix}`

async function layout(dir: string): Promise<void> {
  // Segment 0 holds offsets 0..9; segment 15 was rolled but nothing reached it.
  const batch = encodeRecordBatch({
    records: Array.from({ length: 10 }, (_, i) => ({
      key: null,
      value: Buffer.from(`v${i}`),
      timestamp: 1_700_000_000_000 + i,
    })),
  })
  await writeFile(join(dir, name(0, '.log')), batch)
  for (const suffix of ['.index', '.timeindex']) await writeFile(join(dir, name(0, suffix)), Buffer.alloc(0))
  for (const suffix of ['.log', '.index', '.timeindex']) await writeFile(join(dir, name(15, suffix)), Buffer.alloc(0))
}

describe('recovery of a segment rolled past batches lost in a crash', () => {
  it('drops the empty segment beyond the recovery point and continues at the end of the data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'samsa-lost-tail-'))
    try {
      await layout(dir)
      const log = await PartitionLog.open(dir, 't', 0, defaultLogConfig(), {
        scheduler: new FakeScheduler(),
        logger: silentLogger(),
        recoveryPoint: 0,
      })
      assert.equal(log.logEndOffset, 10)
      assert.ok(!existsSync(join(dir, name(15, '.log'))))
      const next = await log.appendAsLeader(
        encodeRecordBatch({ records: [{ key: null, value: Buffer.from('next'), timestamp: 1 }] }),
        0,
      )
      assert.equal(next.firstOffset, 10)
      await log.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('keeps the gap when it lies below the recovery point (a compacted tail)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'samsa-lost-tail-'))
    try {
      await layout(dir)
      const log = await PartitionLog.open(dir, 't', 0, defaultLogConfig(), {
        scheduler: new FakeScheduler(),
        logger: silentLogger(),
        recoveryPoint: 15,
      })
      assert.equal(log.logEndOffset, 15)
      await log.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
