import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ApiKey } from '../../../src/protocol/generated/api-message-types.ts'
import {
  type DescribeLogDirsRequest,
  decodeDescribeLogDirsResponse,
  encodeDescribeLogDirsRequest,
} from '../../../src/protocol/generated/describe-log-dirs.ts'
import { encodeRecordBatch } from '../../../src/protocol/records/records.ts'
import { type EmbeddedBroker, startBroker } from '../../../src/server/embed.ts'
import { WireClient } from '../../helpers/kafka-wire.ts'

function describeLogDirs(c: WireClient, version: number, topics: DescribeLogDirsRequest['topics']) {
  return c.request(
    ApiKey.DescribeLogDirs,
    version,
    (w) => encodeDescribeLogDirsRequest(w, version, { topics }),
    decodeDescribeLogDirsResponse,
  )
}

describe('DescribeLogDirs', () => {
  let broker: EmbeddedBroker
  let c: WireClient
  before(async () => {
    broker = await startBroker()
    c = await WireClient.connect(broker.port)
    assert.equal((await c.createTopic('sized', 2)).topics[0]?.errorCode, 0)
    assert.equal((await c.createTopic('other', 1)).topics[0]?.errorCode, 0)
    const records = encodeRecordBatch({ records: [{ key: null, value: Buffer.alloc(1000, 1), timestamp: Date.now() }] })
    assert.equal((await c.produce('sized', 1, records)).errorCode, 0)
  })
  after(async () => {
    c.close()
    await broker.close()
  })

  for (const v of [1, 2, 3, 4]) {
    it(`v${v}: the data directory with each partition's size, offset lag 0${v >= 4 ? ', total and usable bytes' : ''}`, async () => {
      const res = await describeLogDirs(c, v, null)
      assert.equal(res.errorCode, 0)
      assert.equal(res.results.length, 1)
      const dir = res.results[0]!
      assert.equal(dir.errorCode, 0)
      assert.equal(dir.logDir, broker.dataDir)
      const sized = dir.topics.find((t) => t.name === 'sized')!
      assert.deepEqual(
        sized.partitions.map((p) => [
          p.partitionIndex,
          p.partitionSize > 1000,
          p.partitionSize === 0,
          p.offsetLag,
          p.isFutureKey,
        ]),
        [
          [0, false, true, 0, false],
          [1, true, false, 0, false],
        ],
      )
      assert.ok(dir.topics.some((t) => t.name === 'other'))
      if (v >= 4) assert.ok(dir.totalBytes > 0 && dir.usableBytes > 0 && dir.usableBytes <= dir.totalBytes)
      else assert.deepEqual([dir.totalBytes, dir.usableBytes], [-1, -1])
    })
  }

  it('answers only the partitions asked for; unknown ones are left out', async () => {
    const res = await describeLogDirs(c, 4, [
      { topic: 'sized', partitions: [1] },
      { topic: 'missing', partitions: [0] },
    ])
    assert.deepEqual(
      res.results[0]!.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]),
      [['sized', [1]]],
    )
  })
})
