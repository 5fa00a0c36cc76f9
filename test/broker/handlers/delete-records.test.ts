import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { ApiKey } from '../../../src/protocol/generated/api-message-types.ts'
import {
  decodeDeleteRecordsResponse,
  encodeDeleteRecordsRequest,
} from '../../../src/protocol/generated/delete-records.ts'
import { decodeListOffsetsResponse, encodeListOffsetsRequest } from '../../../src/protocol/generated/list-offsets.ts'
import { encodeRecordBatch } from '../../../src/protocol/records/records.ts'
import { type EmbeddedBroker, startBroker } from '../../../src/server/embed.ts'
import { WireClient } from '../../helpers/kafka-wire.ts'

async function deleteRecords(c: WireClient, version: number, topic: string, partitionIndex: number, offset: number) {
  const res = await c.request(
    ApiKey.DeleteRecords,
    version,
    (w) =>
      encodeDeleteRecordsRequest(w, version, {
        topics: [{ name: topic, partitions: [{ partitionIndex, offset }] }],
        timeoutMs: 1000,
      }),
    decodeDeleteRecordsResponse,
  )
  return res.topics[0]!.partitions[0]!
}

async function earliest(c: WireClient, topic: string): Promise<number> {
  const res = await c.request(
    ApiKey.ListOffsets,
    7,
    (w) =>
      encodeListOffsetsRequest(w, 7, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [
          { name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2, maxNumOffsets: 1 }] },
        ],
        timeoutMs: 1000,
      }),
    decodeListOffsetsResponse,
  )
  return res.topics[0]!.partitions[0]!.offset
}

function batch(n: number): Buffer {
  return encodeRecordBatch({
    records: Array.from({ length: n }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`v${i}`),
      timestamp: Date.now(),
    })),
  })
}

describe('DeleteRecords', () => {
  let broker: EmbeddedBroker
  let c: WireClient
  before(async () => {
    broker = await startBroker()
    c = await WireClient.connect(broker.port)
    for (const t of ['d0', 'd1', 'd2']) {
      assert.equal((await c.createTopic(t, 1)).topics[0]?.errorCode, 0)
      assert.equal((await c.produce(t, 0, batch(10))).errorCode, 0)
    }
    assert.equal(
      (await c.createTopic('compacted', 1, { configs: { 'cleanup.policy': 'compact' } })).topics[0]?.errorCode,
      0,
    )
  })
  after(async () => {
    c.close()
    await broker.close()
  })

  for (const v of [0, 1, 2]) {
    it(`v${v}: moves the low watermark; reads below it are OFFSET_OUT_OF_RANGE; -1 means the high watermark`, async () => {
      const t = `d${v}`
      assert.deepEqual(await deleteRecords(c, v, t, 0, 4), { partitionIndex: 0, lowWatermark: 4, errorCode: 0 })
      assert.equal(await earliest(c, t), 4)
      const below = await c.fetch(t, 0, 2)
      assert.equal(below.responses[0]?.partitions[0]?.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE)
      const at = await c.fetch(t, 0, 4)
      assert.equal(at.responses[0]?.partitions[0]?.errorCode, 0)
      assert.equal(at.responses[0]?.partitions[0]?.logStartOffset, 4)
      assert.equal((await deleteRecords(c, v, t, 0, 2)).lowWatermark, 4, 'never moves back')
      assert.equal((await deleteRecords(c, v, t, 0, 11)).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE)
      assert.equal((await deleteRecords(c, v, t, 0, -5)).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE)
      assert.deepEqual(await deleteRecords(c, v, t, 0, -1), { partitionIndex: 0, lowWatermark: 10, errorCode: 0 })
      assert.equal(await earliest(c, t), 10)
    })
  }

  it('refuses unknown partitions, compacted topics and internal topics', async () => {
    assert.equal((await deleteRecords(c, 2, 'missing', 0, 1)).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.equal((await deleteRecords(c, 2, 'd0', 5, 1)).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.equal((await deleteRecords(c, 2, 'compacted', 0, 0)).errorCode, ErrorCode.POLICY_VIOLATION)
  })
})
