import assert from 'node:assert/strict'
import fs from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { silentLogger } from '../../src/common/log.ts'
import type { FakeScheduler } from '../../src/common/scheduler.ts'
import { randomUuid } from '../../src/protocol/primitives/uuid.ts'
import { offsetCheckpointFile } from '../../src/storage/checkpoint-file.ts'
import type { LogConfig } from '../../src/storage/log-config.ts'
import { LogManager } from '../../src/storage/log-manager.ts'
import { readMetaProperties, writeMetaProperties } from '../../src/storage/meta-properties.ts'
import { buildBatch, fakeScheduler, readAllBatches, START_MS, tempDir, testConfig } from './helpers.ts'

const dirs: { cleanup(): void }[] = []
function dir(): string {
  const d = tempDir()
  dirs.push(d)
  return d.path
}
after(() => {
  for (const d of dirs) d.cleanup()
})

function openManager(
  logDirs: string[],
  scheduler: FakeScheduler,
  config: LogConfig = testConfig(),
): Promise<LogManager> {
  return LogManager.open({ logDirs, configFor: () => config, scheduler, logger: silentLogger(), initialTaskDelayMs: 0 })
}

describe('LogManager', () => {
  it('creates logs with partition.metadata, idempotently, spread over log dirs', async () => {
    const dirsUsed = [dir(), dir()]
    const manager = await openManager(dirsUsed, fakeScheduler())
    const topicId = randomUuid()
    const [a, b] = await Promise.all([
      manager.createLog('t', 0, topicId, testConfig()),
      manager.createLog('t', 0, topicId, testConfig()),
    ])
    assert.equal(a, b)
    await manager.createLog('t', 1, topicId, testConfig())
    assert.notEqual(manager.logDirOf('t', 0), manager.logDirOf('t', 1))
    const text = fs.readFileSync(join(manager.logDirOf('t', 0)!, 't-0', 'partition.metadata'), 'utf8')
    assert.equal(text, `version: 0\ntopic_id: ${topicId}\n`)
    assert.equal(a.topicId, topicId)
    assert.equal(manager.allLogs().length, 2)
    await manager.shutdown()
  })

  it('shuts down cleanly, reloads with offsets, checkpoints and the marker consumed', async () => {
    const d = dir()
    const scheduler = fakeScheduler()
    const manager = await openManager([d], scheduler)
    const log = await manager.createLog('orders', 3, randomUuid(), testConfig())
    for (let i = 0; i < 10; i++) await log.appendAsLeader(buildBatch({ count: 2 }), 0)
    log.setHighWatermark(20)
    await manager.shutdown()
    assert.ok(fs.existsSync(join(d, '.kafka_cleanshutdown')))
    assert.deepEqual(JSON.parse(fs.readFileSync(join(d, '.kafka_cleanshutdown'), 'utf8')), {
      version: 0,
      brokerEpoch: -1,
    })
    assert.deepEqual(await offsetCheckpointFile(join(d, 'recovery-point-offset-checkpoint')).read(), [
      { topic: 'orders', partition: 3, offset: 20 },
    ])
    assert.equal(fs.readFileSync(join(d, 'replication-offset-checkpoint'), 'utf8'), '0\n1\norders 3 20\n')

    const again = await openManager([d], scheduler)
    assert.equal(again.hadCleanShutdown, true)
    assert.equal(fs.existsSync(join(d, '.kafka_cleanshutdown')), false)
    const reloaded = again.getLog('orders', 3)!
    assert.equal(reloaded.logEndOffset, 20)
    assert.equal(reloaded.highWatermark, 20)
    assert.equal((await reloaded.appendAsLeader(buildBatch(), 0)).firstOffset, 20)
    await again.shutdown()
  })

  it('recovers from the recovery-point checkpoint after a crash (no marker)', async () => {
    const d = dir()
    const scheduler = fakeScheduler()
    const manager = await openManager([d], scheduler)
    const log = await manager.createLog('t', 0, randomUuid(), testConfig({ 'segment.bytes': '800' }))
    for (let i = 0; i < 20; i++) await log.appendAsLeader(buildBatch({ count: 2, valueBytes: 40 }), 0)
    await log.whenIdle()
    await manager.checkpointRecoveryPoints()
    const end = log.logEndOffset
    // Simulate a crash: no shutdown, then a torn write at the end of the active segment.
    const active = log.segmentInfos().at(-1)!
    await log.close()
    const activePath = join(d, 't-0', `${String(active.baseOffset).padStart(20, '0')}.log`)
    fs.appendFileSync(activePath, Buffer.from([0, 0, 0, 0, 0, 0, 0, 99, 0, 0, 1]))
    const again = await openManager([d], scheduler, testConfig({ 'segment.bytes': '800' }))
    assert.equal(again.hadCleanShutdown, false)
    const reloaded = again.getLog('t', 0)!
    assert.equal(reloaded.logEndOffset, end)
    assert.equal((await readAllBatches(reloaded)).length, 20)
    await again.shutdown()
  })

  it('deletes a log by renaming it to -delete and removing it after file.delete.delay.ms', async () => {
    const d = dir()
    const scheduler = fakeScheduler()
    const manager = await openManager([d], scheduler)
    const log = await manager.createLog('gone', 0, randomUuid(), testConfig({ 'file.delete.delay.ms': '5000' }))
    await log.appendAsLeader(buildBatch(), 0)
    await manager.deleteLog('gone', 0)
    assert.equal(manager.getLog('gone', 0), undefined)
    const names = fs.readdirSync(d).filter((n) => n.startsWith('gone-0.'))
    assert.equal(names.length, 1)
    assert.match(names[0]!, /^gone-0\.[0-9a-f]{32}-delete$/)
    scheduler.advance(4999)
    await manager.whenIdle()
    assert.ok(fs.existsSync(join(d, names[0]!)))
    scheduler.advance(1)
    await manager.whenIdle()
    assert.equal(fs.existsSync(join(d, names[0]!)), false)
    await manager.deleteLog('gone', 0) // idempotent
    await manager.shutdown()
  })

  it('replaces a log left by an older topic of the same name', async () => {
    const manager = await openManager([dir()], fakeScheduler())
    const old = await manager.createLog('t', 0, randomUuid(), testConfig())
    await old.appendAsLeader(buildBatch(), 0)
    const fresh = await manager.createLog('t', 0, randomUuid(), testConfig())
    assert.notEqual(fresh, old)
    assert.equal(fresh.logEndOffset, 0)
    await manager.shutdown()
  })

  it('ignores __cluster_metadata-0 and unrelated directories', async () => {
    const d = dir()
    fs.mkdirSync(join(d, '__cluster_metadata-0'))
    fs.mkdirSync(join(d, 'not a partition'))
    const manager = await openManager([d], fakeScheduler())
    assert.equal(manager.allLogs().length, 0)
    await manager.shutdown()
  })

  it('runs retention and checkpoints on the scheduler', async () => {
    const d = dir()
    const scheduler = fakeScheduler()
    const config = testConfig({ 'segment.bytes': '600', 'retention.ms': '60000', 'file.delete.delay.ms': '0' })
    const manager = await LogManager.open({
      logDirs: [d],
      configFor: () => config,
      scheduler,
      logger: silentLogger(),
      brokerConfig: { 'log.retention.check.interval.ms': '10000', 'log.initial.task.delay.ms': '0' },
    })
    const log = await manager.createLog('t', 0, randomUuid(), config)
    for (let i = 0; i < 10; i++)
      await log.appendAsLeader(buildBatch({ count: 2, valueBytes: 40, baseTimestamp: START_MS }), 0)
    log.setHighWatermark(log.logEndOffset)
    manager.startup()
    scheduler.advance(10_000)
    await manager.whenIdle()
    assert.equal(log.logStartOffset, 0, 'nothing is older than retention.ms yet')
    scheduler.advance(60_000)
    await manager.whenIdle()
    assert.equal(log.numberOfSegments, 1)
    assert.equal(log.logStartOffset, 20)
    assert.equal(log.segmentInfos()[0]!.sizeBytes, 0, 'the expired active segment was rolled, then deleted')
    scheduler.advance(60_000)
    await manager.whenIdle()
    assert.deepEqual(await offsetCheckpointFile(join(d, 'log-start-offset-checkpoint')).read(), [
      { topic: 't', partition: 0, offset: 20 },
    ])
    assert.equal(fs.readdirSync(join(d, 't-0')).filter((n) => n.endsWith('.deleted')).length, 0)
    await manager.shutdown()
  })

  it('expires idle producer ids on the scheduler every producer.id.expiration.check.interval.ms', async () => {
    const scheduler = fakeScheduler()
    const manager = await LogManager.open({
      logDirs: [dir()],
      configFor: () => testConfig(),
      scheduler,
      logger: silentLogger(),
      brokerConfig: {
        'producer.id.expiration.ms': '1000',
        'producer.id.expiration.check.interval.ms': '30000',
        'log.initial.task.delay.ms': '0',
      },
    })
    const log = await manager.createLog('t', 0, randomUuid(), testConfig())
    const idempotent = (producerId: number, baseTimestamp: number) =>
      buildBatch({ producerId, producerEpoch: 0, baseSequence: 0, baseTimestamp })
    await log.appendAsLeader(idempotent(7, START_MS), 0)
    manager.startup()
    scheduler.advance(29_999)
    await manager.whenIdle()
    assert.deepEqual(
      log.activeProducers().map((p) => p.producerId),
      [7],
      'idle long enough, but the check has not run yet',
    )
    await log.appendAsLeader(idempotent(8, START_MS + 29_500), 0)
    scheduler.advance(1)
    await manager.whenIdle()
    assert.deepEqual(
      log.activeProducers().map((p) => p.producerId),
      [8],
      'the check expired the idle producer and kept the recent one',
    )
    scheduler.advance(30_000)
    await manager.whenIdle()
    assert.deepEqual(log.activeProducers(), [], 'the next check expired the other one')
    await manager.shutdown()
  })
})

describe('meta.properties', () => {
  it('round-trips node.id, cluster.id and directory.id', async () => {
    const d = dir()
    assert.equal(readMetaProperties(d), null)
    await writeMetaProperties(
      d,
      { nodeId: 1, clusterId: 'MkU3OEVBNTcwNTJENDM2Qk', directoryId: randomUuid() },
      START_MS,
    )
    const text = fs.readFileSync(join(d, 'meta.properties'), 'utf8')
    assert.match(text, /^#\n#.*\ncluster\.id=MkU3OEVBNTcwNTJENDM2Qk\ndirectory\.id=.{22}\nnode\.id=1\nversion=1\n$/)
    const meta = readMetaProperties(d)!
    assert.equal(meta.version, 1)
    assert.equal(meta.nodeId, 1)
    assert.equal(meta.clusterId, 'MkU3OEVBNTcwNTJENDM2Qk')
  })
})
