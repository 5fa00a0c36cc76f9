import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { encodeRecordBatch } from '../../../src/protocol/records/records.ts'
import { type EmbeddedBroker, startBroker } from '../../../src/server/embed.ts'
import { WireClient } from '../../helpers/kafka-wire.ts'
import { BROKER, describeConfigs, incrementalAlterConfigs, Op, TOPIC } from './config-wire.ts'

const SOURCE = {
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC: 4,
  DEFAULT_CONFIG: 5,
}

function bigBatch(bytes: number): Buffer {
  return encodeRecordBatch({
    records: [{ key: Buffer.from('k'), value: Buffer.alloc(bytes, 1), timestamp: Date.now() }],
  })
}

describe('IncrementalAlterConfigs', () => {
  let dataDir: string
  let broker: EmbeddedBroker
  let c: WireClient
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'samsa-iac-'))
    broker = await startBroker({ dataDir })
    c = await WireClient.connect(broker.port)
    for (const t of ['a', 'b', 'sizes']) assert.equal((await c.createTopic(t, 1)).topics[0]?.errorCode, 0)
  })
  after(async () => {
    c.close()
    await broker.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  for (const v of [0, 1]) {
    it(`v${v}: SET, DELETE, APPEND and SUBTRACT on a topic`, async () => {
      const t = v === 0 ? 'a' : 'b'
      const ok = async (ops: [string, number, string | null][]) =>
        assert.equal((await incrementalAlterConfigs(c, v, TOPIC, t, ops)).errorCode, 0)
      await ok([
        ['retention.ms', Op.Set, '60000'],
        ['cleanup.policy', Op.Append, 'compact'],
      ])
      let d = await describeConfigs(c, TOPIC, t, ['retention.ms', 'cleanup.policy'])
      assert.equal(d.get('retention.ms')?.value, '60000')
      assert.equal(d.get('cleanup.policy')?.value, 'delete,compact', 'APPEND starts from the default')
      await ok([
        ['cleanup.policy', Op.Subtract, 'delete'],
        ['retention.ms', Op.Delete, null],
      ])
      d = await describeConfigs(c, TOPIC, t, ['retention.ms', 'cleanup.policy'])
      assert.equal(d.get('cleanup.policy')?.value, 'compact')
      assert.equal(d.get('retention.ms')?.configSource, SOURCE.DEFAULT_CONFIG)
      const append = await incrementalAlterConfigs(c, v, TOPIC, t, [['retention.ms', Op.Append, '1']])
      assert.equal(append.errorCode, ErrorCode.INVALID_CONFIG)
      assert.match(append.errorMessage ?? '', /APPEND to key retention\.ms because its type is not LIST/)
      const dup = await incrementalAlterConfigs(c, v, TOPIC, t, [
        ['retention.ms', Op.Set, '1'],
        ['retention.ms', Op.Delete, null],
      ])
      assert.equal(dup.errorCode, ErrorCode.INVALID_REQUEST)
      const bad = await incrementalAlterConfigs(c, v, TOPIC, t, [['min.insync.replicas', Op.Set, '0']])
      assert.equal(bad.errorCode, ErrorCode.INVALID_CONFIG)
      assert.match(bad.errorMessage ?? '', /min\.insync\.replicas/)
    })
  }

  it('applies max.message.bytes live: the topic override, then the broker default under it', async () => {
    const big = bigBatch(3000)
    assert.equal((await c.produce('sizes', 0, bigBatch(3000))).errorCode, 0)
    assert.equal(
      (await incrementalAlterConfigs(c, 1, TOPIC, 'sizes', [['max.message.bytes', Op.Set, '2000']])).errorCode,
      0,
    )
    assert.equal((await c.produce('sizes', 0, big)).errorCode, ErrorCode.MESSAGE_TOO_LARGE)
    assert.equal(
      (await incrementalAlterConfigs(c, 1, TOPIC, 'sizes', [['max.message.bytes', Op.Delete, null]])).errorCode,
      0,
    )
    assert.equal(
      (await incrementalAlterConfigs(c, 1, BROKER, '', [['message.max.bytes', Op.Set, '2500']])).errorCode,
      0,
    )
    assert.equal((await c.produce('sizes', 0, bigBatch(3000))).errorCode, ErrorCode.MESSAGE_TOO_LARGE)
    assert.equal((await c.produce('sizes', 0, bigBatch(1000))).errorCode, 0)
    assert.equal(
      (await incrementalAlterConfigs(c, 1, BROKER, '', [['message.max.bytes', Op.Delete, null]])).errorCode,
      0,
    )
    assert.equal((await c.produce('sizes', 0, bigBatch(3000))).errorCode, 0)
  })

  it('layers per-broker over cluster-wide dynamic configs with their sources; kept across a restart', async () => {
    assert.equal((await incrementalAlterConfigs(c, 1, BROKER, '', [['log.cleaner.threads', Op.Set, '2']])).errorCode, 0)
    assert.equal(
      (await incrementalAlterConfigs(c, 1, BROKER, '1', [['log.cleaner.threads', Op.Set, '3']])).errorCode,
      0,
    )
    const entry = (await describeConfigs(c, BROKER, '1', ['log.cleaner.threads'])).get('log.cleaner.threads')!
    assert.equal(entry.value, '3')
    assert.deepEqual(
      entry.synonyms.map((s) => [s.value, s.source]),
      [
        ['3', SOURCE.DYNAMIC_BROKER_CONFIG],
        ['2', SOURCE.DYNAMIC_DEFAULT_BROKER_CONFIG],
        ['1', SOURCE.DEFAULT_CONFIG],
      ],
    )
    const refused = await incrementalAlterConfigs(c, 1, BROKER, '1', [['log.dirs', Op.Set, '/elsewhere']])
    assert.equal(refused.errorCode, ErrorCode.INVALID_REQUEST)
    assert.match(refused.errorMessage ?? '', /log\.dirs/)

    c.close()
    await broker.close()
    broker = await startBroker({ dataDir })
    c = await WireClient.connect(broker.port)
    const after = (await describeConfigs(c, BROKER, '1', ['log.cleaner.threads'])).get('log.cleaner.threads')!
    assert.deepEqual([after.value, after.configSource], ['3', SOURCE.DYNAMIC_BROKER_CONFIG])
    assert.equal((await describeConfigs(c, TOPIC, 'b', ['cleanup.policy'])).get('cleanup.policy')?.value, 'compact')
    assert.equal(
      (await incrementalAlterConfigs(c, 1, BROKER, '1', [['log.cleaner.threads', Op.Delete, null]])).errorCode,
      0,
    )
    const fallback = (await describeConfigs(c, BROKER, '1', ['log.cleaner.threads'])).get('log.cleaner.threads')!
    assert.deepEqual([fallback.value, fallback.configSource], ['2', SOURCE.DYNAMIC_DEFAULT_BROKER_CONFIG])
  })

  it("refuses cleaner changes outside Kafka's rules, naming the key: threads by more than a factor of two, load factor, dedupe buffer per thread", async () => {
    // Effective log.cleaner.threads is 2 here (the cluster-wide default set above).
    const set = async (resource: string, key: string, value: string) =>
      incrementalAlterConfigs(c, 1, BROKER, resource, [[key, Op.Set, value]])
    const tooMany = await set('1', 'log.cleaner.threads', '5')
    assert.equal(tooMany.errorCode, ErrorCode.INVALID_REQUEST)
    assert.equal(
      tooMany.errorMessage,
      'Invalid dynamic configuration of log.cleaner.threads=5: Log cleaner threads cannot be increased to more than double the current value 2',
    )
    assert.equal((await set('1', 'log.cleaner.threads', '4')).errorCode, 0)
    const tooFew = await set('1', 'log.cleaner.threads', '1')
    assert.equal(tooFew.errorCode, ErrorCode.INVALID_REQUEST)
    assert.match(tooFew.errorMessage ?? '', /log\.cleaner\.threads=1: .*reduced to less than half the current value 4/)
    assert.equal((await set('1', 'log.cleaner.threads', '2')).errorCode, 0)
    const threads = (await describeConfigs(c, BROKER, '1', ['log.cleaner.threads'])).get('log.cleaner.threads')!
    assert.deepEqual([threads.value, threads.configSource], ['2', SOURCE.DYNAMIC_BROKER_CONFIG])

    const factor = await set('', 'log.cleaner.io.buffer.load.factor', '1')
    assert.equal(factor.errorCode, ErrorCode.INVALID_REQUEST)
    assert.match(factor.errorMessage ?? '', /log\.cleaner\.io\.buffer\.load\.factor/)
    const dedupe = await set('', 'log.cleaner.dedupe.buffer.size', String(2 * 1024 * 1024))
    assert.equal(dedupe.errorCode, ErrorCode.INVALID_REQUEST)
    assert.equal(dedupe.errorMessage, 'log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.')
  })
})
