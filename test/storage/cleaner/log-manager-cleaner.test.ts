/**
 * The cleaner as LogManager runs it: on the scheduler every log.cleaner.backoff.ms (driven by a
 * FakeScheduler here), its checkpoint kept across a restart, a deleted log forgotten, retention and
 * compaction on the same clock.
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { silentLogger } from '../../../src/common/log.ts'
import type { FakeScheduler } from '../../../src/common/scheduler.ts'
import { randomUuid } from '../../../src/protocol/primitives/uuid.ts'
import type { CompressionType } from '../../../src/protocol/records/compression/index.ts'
import {
  type CleanRound,
  DEFAULT_LOG_CLEANER_CONFIG,
  type LogCleanerConfig,
} from '../../../src/storage/cleaner/log-cleaner.ts'
import type { LogConfig } from '../../../src/storage/log-config.ts'
import { LogManager } from '../../../src/storage/log-manager.ts'
import type { PartitionLog } from '../../../src/storage/partition-log.ts'
import { fakeScheduler, tempDir, testConfig } from '../helpers.ts'
import { codecBatch, readRecords } from './helpers.ts'

const dirs: { cleanup(): void }[] = []
after(() => {
  for (const d of dirs) d.cleanup()
})

const COMPACTED = testConfig({
  'cleanup.policy': 'compact',
  'segment.bytes': '4096',
  'min.cleanable.dirty.ratio': '0.01',
  'delete.retention.ms': '1000',
})

function open(d: string, scheduler: FakeScheduler, config: LogConfig = COMPACTED): Promise<LogManager> {
  return LogManager.open({
    logDirs: [d],
    configFor: () => config,
    scheduler,
    logger: silentLogger(),
    initialTaskDelayMs: 0,
    brokerConfig: { 'log.cleaner.backoff.ms': '500', 'log.cleaner.dedupe.buffer.size': String(4 << 20) },
  })
}

describe('LogManager and the cleaner', () => {
  it('cleans on its schedule, checkpoints the first dirty offset and reads it back after a restart', async () => {
    const d = tempDir('samsa-lm-cleaner-')
    dirs.push(d)
    const scheduler = fakeScheduler()
    const manager = await open(d.path, scheduler)
    manager.startup()
    const log = await manager.createLog('compacted', 0, randomUuid(), COMPACTED)
    for (let i = 0; i < 500; i++) {
      await log.appendAsLeader(
        codecBatch([{ key: `k${i % 10}`, value: `v${i}` }], scheduler.nowMs(), (i % 5) as CompressionType),
        0,
      )
    }
    log.setHighWatermark(log.logEndOffset)
    const before = log.size
    scheduler.advance(500)
    await manager.cleaner.whenIdle()
    const end = manager.cleaner.firstDirtyOffset('compacted', 0)
    assert.equal(end, log.activeSegmentBaseOffset)
    assert.ok(log.size < before)
    const cleaned = await readRecords(log)
    assert.deepEqual(
      cleaned
        .filter((r) => r.offset < end!)
        .map((r) => r.key)
        .sort(),
      Array.from({ length: 10 }, (_, i) => `k${i}`).sort(),
    )
    await manager.shutdown()
    assert.equal(fs.readFileSync(join(d.path, 'cleaner-offset-checkpoint'), 'utf8'), `0\n1\ncompacted 0 ${end}\n`)

    const again = await open(d.path, scheduler)
    assert.equal(again.cleaner.firstDirtyOffset('compacted', 0), end)
    assert.deepEqual(await readRecords(again.getLog('compacted', 0)!), cleaned)
    await again.deleteLog('compacted', 0)
    assert.equal(again.cleaner.firstDirtyOffset('compacted', 0), undefined)
    await again.shutdown()
    assert.equal(fs.readFileSync(join(d.path, 'cleaner-offset-checkpoint'), 'utf8'), '0\n0\n')
  })

  it('leaves delete-policy logs to retention', async () => {
    const d = tempDir('samsa-lm-cleaner-')
    dirs.push(d)
    const scheduler = fakeScheduler()
    const config = testConfig({ 'segment.bytes': '4096' })
    const manager = await open(d.path, scheduler, config)
    manager.startup()
    const log = await manager.createLog('plain', 0, randomUuid(), config)
    for (let i = 0; i < 300; i++)
      await log.appendAsLeader(codecBatch([{ key: 'same', value: `v${i}` }], scheduler.nowMs(), 0), 0)
    log.setHighWatermark(log.logEndOffset)
    scheduler.advance(500)
    await manager.cleaner.whenIdle()
    assert.equal(manager.cleaner.firstDirtyOffset('plain', 0), undefined)
    assert.equal((await readRecords(log)).length, 300)
    await manager.shutdown()
  })

  /** A LogManager whose cleaner settings are read from `settings.current` at each use, like dynamic broker configs. */
  async function openDynamic(d: string, scheduler: FakeScheduler, settings: { current: LogCleanerConfig }) {
    return LogManager.open({
      logDirs: [d],
      configFor: () => COMPACTED,
      scheduler,
      logger: silentLogger(),
      initialTaskDelayMs: 0,
      cleanerConfig: () => settings.current,
    })
  }

  /** Rewrites keys k0..k9 100 times, so a few segments roll and become dirty; all below the high watermark. */
  async function dirty(log: PartitionLog, scheduler: FakeScheduler): Promise<void> {
    for (let i = 0; i < 100; i++) {
      await log.appendAsLeader(codecBatch([{ key: `k${i % 10}`, value: `v${i}` }], scheduler.nowMs(), 0), 0)
    }
    log.setHighWatermark(log.logEndOffset)
  }

  it('a changed log.cleaner.backoff.ms changes when the next rounds run', async () => {
    const d = tempDir('samsa-lm-cleaner-')
    dirs.push(d)
    const scheduler = fakeScheduler()
    const base = { ...DEFAULT_LOG_CLEANER_CONFIG, dedupeBufferBytes: 4 << 20 }
    const settings = { current: { ...base, backoffMs: 500 } }
    const manager = await openDynamic(d.path, scheduler, settings)
    manager.startup()
    try {
      const log = await manager.createLog('compacted', 0, randomUuid(), COMPACTED)
      const rounds = async (ms: number): Promise<number> => {
        scheduler.advance(ms)
        await manager.cleaner.whenIdle()
        return manager.cleaner.recentRounds.length
      }
      await dirty(log, scheduler)
      assert.equal(await rounds(500), 1)

      // Longer: the tick already due runs, then none for 10 s.
      settings.current = { ...base, backoffMs: 10_000 }
      await dirty(log, scheduler)
      assert.equal(await rounds(500), 2)
      await dirty(log, scheduler)
      assert.equal(await rounds(9_000), 2, 'no round before the new backoff has passed')
      assert.equal(await rounds(1_000), 3)

      // Shorter: after the 10 s tick, every 200 ms.
      settings.current = { ...base, backoffMs: 200 }
      await dirty(log, scheduler)
      assert.equal(await rounds(10_000), 4)
      await dirty(log, scheduler)
      assert.equal(await rounds(200), 5)
    } finally {
      await manager.shutdown()
    }
  })

  it('a changed log.cleaner.threads changes how many logs are cleaned at once, and io.max.bytes.per.second throttles them', async () => {
    const d = tempDir('samsa-lm-cleaner-')
    dirs.push(d)
    const scheduler = fakeScheduler()
    const base = { ...DEFAULT_LOG_CLEANER_CONFIG, dedupeBufferBytes: 12 << 20, backoffMs: 500 }
    const settings = { current: { ...base, threads: 1 } }
    const manager = await openDynamic(d.path, scheduler, settings)
    manager.startup()
    try {
      const logs = await Promise.all([0, 1, 2].map((i) => manager.createLog(`c${i}`, 0, randomUuid(), COMPACTED)))
      const cleanAll = async (): Promise<CleanRound[]> => {
        const before = manager.cleaner.recentRounds.length
        for (const log of logs) await dirty(log, scheduler)
        scheduler.advance(500)
        await manager.cleaner.whenIdle()
        return manager.cleaner.recentRounds.slice(before)
      }
      assert.equal((await cleanAll()).length, 3)
      assert.equal(manager.cleaner.threadCount, 1, 'one log at a time')

      // Three threads, sharing a rate slow enough that every round lasts a while: the three logs at once.
      const bytesPerSecondMax = 60_000
      settings.current = { ...base, threads: 3, ioBytesPerSecondMax: bytesPerSecondMax }
      const throttled = await cleanAll()
      assert.deepEqual(throttled.map((r) => r.topic).sort(), ['c0', 'c1', 'c2'])
      assert.equal(manager.cleaner.threadCount, 3, 'three logs at once')
      for (const r of throttled) {
        // Each thread gets a third of the rate (Kafka's split), so a round lasts at least its bytes at that rate.
        const floorMs = ((r.stats.bytesRead + r.stats.bytesWritten) / (bytesPerSecondMax / 3)) * 1000
        assert.ok(r.durationMs >= floorMs * 0.9, `${r.topic}: ${r.durationMs} ms for a floor of ${floorMs} ms`)
      }

      // Back to one: the idle threads above it stop at the next tick.
      settings.current = { ...base, threads: 1 }
      scheduler.advance(500)
      await manager.cleaner.whenIdle()
      assert.equal(manager.cleaner.threadCount, 1)
    } finally {
      await manager.shutdown()
    }
  })
})
