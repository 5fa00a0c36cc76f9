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
import type { LogConfig } from '../../../src/storage/log-config.ts'
import { LogManager } from '../../../src/storage/log-manager.ts'
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
})
