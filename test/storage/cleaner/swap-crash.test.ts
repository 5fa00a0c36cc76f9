/**
 * A crash at each step of a cleaner swap loses nothing. The swap hooks stop PartitionLog.replaceSegments
 * where a kill would (the thrown error leaves the files exactly as they are at that step; the log object
 * is then abandoned, never closed, like a killed process), and the partition directory is opened again:
 * start-up must either complete the swap or leave the old segments, and in both cases every key reads
 * its last write at its original offset.
 */
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { afterEach, describe, it } from 'node:test'
import type { FakeScheduler } from '../../../src/common/scheduler.ts'
import type { CompressionType } from '../../../src/protocol/records/compression/index.ts'
import type { PartitionLog, SwapHooks } from '../../../src/storage/partition-log.ts'
import { fakeScheduler, openTestLog, type TempDir, tempDir, testConfig } from '../helpers.ts'
import { codecBatch, lastWrites, readRecords, seededRandom, testCleaner, type Written } from './helpers.ts'

const dirs: TempDir[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup()
})

const CONFIG = {
  'cleanup.policy': 'compact',
  'segment.bytes': '8192',
  'min.cleanable.dirty.ratio': '0.01',
}

class SimulatedCrash extends Error {}

async function fill(log: PartitionLog, scheduler: FakeScheduler): Promise<Written[]> {
  const random = seededRandom(42)
  const history: Written[] = []
  for (let i = 0; i < 600; i++) {
    const key = `k${Math.floor(random() * 25)}`
    const value = random() < 0.1 ? null : `${key}#${i}`
    const info = await log.appendAsLeader(
      codecBatch([{ key, value }], scheduler.nowMs(), (i % 5) as CompressionType),
      0,
    )
    history.push({ offset: info.firstOffset, key, value })
  }
  log.setHighWatermark(log.logEndOffset)
  return history
}

/** Every key's last record is its last write (at the same offset); offsets increase. */
async function checkNothingLost(log: PartitionLog, history: Written[]): Promise<void> {
  const records = await readRecords(log)
  for (let i = 1; i < records.length; i++) assert.ok(records[i]!.offset > records[i - 1]!.offset)
  const byKey = new Map<string, { offset: number; value: string | null }>()
  for (const r of records) byKey.set(r.key!, { offset: r.offset, value: r.value })
  for (const [key, w] of lastWrites(history)) {
    assert.deepEqual(byKey.get(key), { offset: w.offset, value: w.value }, `${key} reads its last write`)
  }
}

describe('a crash during a cleaner swap', () => {
  const steps: [string, (crash: () => Promise<void>) => SwapHooks][] = [
    ['after the cleaned files became .swap files (committed)', (crash) => ({ afterSwapCommitted: crash })],
    ['after the replaced segments were renamed .deleted', (crash) => ({ afterReplacedDeleted: crash })],
  ]
  for (const [name, hooksFor] of steps) {
    for (const swapNumber of [1, 2]) {
      it(`${name}, in swap ${swapNumber} of the round, loses nothing`, async () => {
        const d = tempDir('samsa-swap-crash-')
        dirs.push(d)
        const scheduler = fakeScheduler()
        const log = await openTestLog(d.path, testConfig(CONFIG), scheduler)
        const history = await fill(log, scheduler)
        await checkNothingLost(log, history)
        let swaps = 0
        const crash = async (): Promise<never> => {
          throw new SimulatedCrash('crash')
        }
        const hooks = hooksFor(async () => {
          swaps++
          if (swaps === swapNumber) await crash()
        })
        const cleaner = testCleaner(() => [{ log, logDir: d.path }], scheduler, { dedupeBufferBytes: 1 << 20 }, hooks)
        await assert.rejects(cleaner.cleanOnce(), SimulatedCrash)
        await cleaner.shutdown()
        // The process is gone: reopen the directory as start-up would (no clean shutdown marker).
        const reopened = await openTestLog(d.path, testConfig(CONFIG), scheduler, { recoveryPoint: 0 })
        assert.deepEqual(
          readdirSync(d.path).filter((n) => n.endsWith('.swap') || n.endsWith('.cleaned')),
          [],
          'no swap or cleaned file left',
        )
        await checkNothingLost(reopened, history)
        // And the cleaner can run to completion on the recovered log.
        reopened.setHighWatermark(reopened.logEndOffset)
        const again = testCleaner(() => [{ log: reopened, logDir: d.path }], scheduler)
        while ((await again.cleanOnce()) !== null) {}
        await again.shutdown()
        await checkNothingLost(reopened, history)
        await reopened.close()
      })
    }
  }
})
