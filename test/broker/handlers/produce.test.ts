/**
 * Produce (key 0), byte for byte: a record batch, and requests and responses around it, written out by
 * hand from the protocol guide's layouts (ProduceRequest.json / ProduceResponse.json and the record batch
 * format) for v3 (non-flexible: nullable transactional id, int32 arrays, int32-length records) and v9
 * (flexible: compact everything, tagged fields), checked against our codecs both ways; then the broker's
 * whole responses to the hand-written requests, byte for byte.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { ApiKey } from '../../../src/protocol/generated/api-message-types.ts'
import {
  decodeProduceRequest,
  decodeProduceResponse,
  encodeProduceRequest,
  encodeProduceResponse,
  type ProduceRequest,
  type ProduceResponse,
} from '../../../src/protocol/generated/produce.ts'
import { Reader } from '../../../src/protocol/primitives/reader.ts'
import { crc32c } from '../../../src/protocol/records/crc32c.ts'
import { decodeRecordBatch, encodeRecordBatch } from '../../../src/protocol/records/records.ts'
import { type EmbeddedBroker, startBroker } from '../../../src/server/embed.ts'
import {
  BATCH_CRC,
  BATCH_CRC_COVERED,
  BATCH_TIMESTAMP,
  crc32cReference,
  HAND_BATCH,
} from '../../helpers/batch-fixture.ts'
import { hex, readRequest, requestBytes, responseBytes, roundTrip, utf8 } from '../../helpers/hex.ts'
import { produceRequest, requestFrame, WireClient } from '../../helpers/kafka-wire.ts'
import { BROKER, incrementalAlterConfigs, Op, TOPIC } from './config-wire.ts'

const REQUEST: ProduceRequest = {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30_000,
  topicData: [{ name: 'foo', partitionData: [{ index: 0, records: HAND_BATCH }] }],
}

/** Produce request v3 for topic foo, partition 0, the hand batch. */
const REQUEST_V3 = hex(
  '00 00', // api_key = 0
  '00 03', // api_version = 3
  '00 00 00 15', // correlation_id = 21
  'ff ff', // client_id = null
  'ff ff', // transactional_id = null
  'ff ff', // acks = -1
  '00 00 75 30', // timeout_ms = 30000
  '00 00 00 01', // topic_data: 1
  '00 03',
  utf8('foo'), //   name
  '00 00 00 01', //   partition_data: 1
  '00 00 00 00', //     index 0
  '00 00 00 4a', //     records: int32 length 74
  HAND_BATCH,
)

/** The same in v9. */
const REQUEST_V9 = hex(
  '00 00', // api_key = 0
  '00 09', // api_version = 9
  '00 00 00 16', // correlation_id = 22
  'ff ff', // client_id = null
  '00', // header tags
  '00', // transactional_id: compact nullable, null
  'ff ff', // acks = -1
  '00 00 75 30', // timeout_ms
  '02', // topic_data: compact, 1
  '04',
  utf8('foo'), //   name: compact string
  '02', //   partition_data: compact, 1
  '00 00 00 00', //     index
  '4b', //     records: compact nullable bytes, length 74 + 1
  HAND_BATCH,
  '00', //     tags
  '00', //   tags
  '00', // tags
)

describe('Produce codecs, byte for byte', () => {
  it('the hand-written batch: CRC-32C checked twice, our encoder writes exactly it, the decoder reads it back', () => {
    assert.equal(crc32cReference(hex('31 32 33 34 35 36 37 38 39')), 0xe3069283, 'the reference CRC-32C check value')
    assert.equal(crc32cReference(BATCH_CRC_COVERED), BATCH_CRC)
    assert.equal(crc32c(BATCH_CRC_COVERED), BATCH_CRC)
    const encoded = encodeRecordBatch({
      records: [
        {
          key: Buffer.from('k'),
          value: Buffer.from('v'),
          headers: [{ key: 'h', value: Buffer.from('x') }],
          timestamp: BATCH_TIMESTAMP,
        },
      ],
    })
    assert.deepEqual(encoded, HAND_BATCH)
    const b = decodeRecordBatch(HAND_BATCH)
    assert.deepEqual(
      {
        baseOffset: b.baseOffset,
        batchLength: b.batchLength,
        partitionLeaderEpoch: b.partitionLeaderEpoch,
        magic: b.magic,
        crc: b.crc,
        attributes: b.attributes,
        lastOffsetDelta: b.lastOffsetDelta,
        baseTimestamp: b.baseTimestamp,
        maxTimestamp: b.maxTimestamp,
        producerId: b.producerId,
        producerEpoch: b.producerEpoch,
        baseSequence: b.baseSequence,
        recordCount: b.recordCount,
      },
      {
        baseOffset: 0,
        batchLength: 62,
        partitionLeaderEpoch: -1,
        magic: 2,
        crc: BATCH_CRC,
        attributes: 0,
        lastOffsetDelta: 0,
        baseTimestamp: BATCH_TIMESTAMP,
        maxTimestamp: BATCH_TIMESTAMP,
        producerId: -1,
        producerEpoch: -1,
        baseSequence: -1,
        recordCount: 1,
      },
    )
    assert.deepEqual(
      b.records.map((r) => ({
        ...r,
        key: r.key?.toString(),
        value: r.value?.toString(),
        headers: r.headers.map((h) => [h.key, h.value?.toString()]),
      })),
      [{ offset: 0, timestamp: BATCH_TIMESTAMP, key: 'k', value: 'v', headers: [['h', 'x']] }],
    )
  })

  for (const [version, bytes] of [
    [3, REQUEST_V3],
    [9, REQUEST_V9],
  ] as const) {
    it(`request v${version}: encodes to the hand-written bytes and decodes from them`, () => {
      const correlationId = version === 3 ? 21 : 22
      assert.deepEqual(
        requestBytes({ apiKey: 0, apiVersion: version, correlationId, clientId: null }, (w) =>
          encodeProduceRequest(w, version, REQUEST),
        ),
        bytes,
      )
      const { header, body } = readRequest(bytes)
      assert.deepEqual(header, { apiKey: 0, apiVersion: version, correlationId, clientId: null })
      assert.deepEqual(decodeProduceRequest(body, version), REQUEST)
      assert.equal(body.remaining, 0)
    })
  }

  it('response v3: base offset and log append time per partition, then throttle time', () => {
    const m: ProduceResponse = {
      responses: [
        {
          name: 'foo',
          partitionResponses: [
            {
              index: 0,
              errorCode: 0,
              baseOffset: 5,
              logAppendTimeMs: -1,
              logStartOffset: -1,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
            },
          ],
        },
      ],
      throttleTimeMs: 0,
      nodeEndpoints: [],
    }
    const expected = hex(
      '00 00 00 15', // correlation_id
      '00 00 00 01', // responses: 1
      '00 03',
      utf8('foo'), //   name
      '00 00 00 01', //   partition_responses: 1
      '00 00 00 00', //     index
      '00 00', //     error_code
      '00 00 00 00 00 00 00 05', //     base_offset = 5
      'ff ff ff ff ff ff ff ff', //     log_append_time_ms = -1 (CreateTime)
      '00 00 00 00', // throttle_time_ms
    )
    assert.deepEqual(
      responseBytes(ApiKey.Produce, 3, 21, (w) => encodeProduceResponse(w, 3, m)),
      expected,
    )
    const r = new Reader(expected, 4)
    assert.deepEqual(decodeProduceResponse(r, 3), m)
    assert.equal(r.remaining, 0)
  })

  it('response v9: log start offset, record errors and error message (INVALID_RECORD), compact and tagged', () => {
    const m: ProduceResponse = {
      responses: [
        {
          name: 'foo',
          partitionResponses: [
            {
              index: 2,
              errorCode: ErrorCode.INVALID_RECORD,
              baseOffset: -1,
              logAppendTimeMs: -1,
              logStartOffset: 7,
              recordErrors: [{ batchIndex: 3, batchIndexErrorMessage: 'bad' }],
              errorMessage: 'x',
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
            },
          ],
        },
      ],
      throttleTimeMs: 1,
      nodeEndpoints: [],
    }
    const expected = hex(
      '00 00 00 16', // correlation_id
      '00', // header tags
      '02', // responses: compact, 1
      '04',
      utf8('foo'), //   name
      '02', //   partition_responses: compact, 1
      '00 00 00 02', //     index 2
      '00 57', //     error_code = 87 INVALID_RECORD
      'ff ff ff ff ff ff ff ff', //     base_offset = -1
      'ff ff ff ff ff ff ff ff', //     log_append_time_ms = -1
      '00 00 00 00 00 00 00 07', //     log_start_offset = 7
      '02', //     record_errors: compact, 1
      '00 00 00 03', //       batch_index 3
      '04',
      utf8('bad'), //       batch_index_error_message
      '00', //       tags
      '02',
      utf8('x'), //     error_message
      '00', //     tags (current_leader is tagged from v10 only)
      '00', //   tags
      '00 00 00 01', // throttle_time_ms = 1
      '00', // tags (node_endpoints from v10 only)
    )
    assert.deepEqual(
      responseBytes(ApiKey.Produce, 9, 22, (w) => encodeProduceResponse(w, 9, m)),
      expected,
    )
    const r = new Reader(expected, 5)
    assert.deepEqual(decodeProduceResponse(r, 9), m)
    assert.equal(r.remaining, 0)
  })
})

describe("the broker's Produce answers", () => {
  let broker: EmbeddedBroker
  before(async () => {
    broker = await startBroker()
    const c = await WireClient.connect(broker.port)
    assert.equal((await c.createTopic('foo', 1)).topics[0]?.errorCode, ErrorCode.NONE)
    c.close()
  })
  after(async () => {
    await broker?.close()
  })

  it('answers the hand-written v3 request with exactly the expected bytes (offset 0)', async () => {
    assert.deepEqual(
      await roundTrip(broker.port, REQUEST_V3),
      hex(
        '00 00 00 15', // correlation_id 21
        '00 00 00 01', // responses: 1
        '00 03',
        utf8('foo'),
        '00 00 00 01', //   partitions: 1
        '00 00 00 00', //     index 0
        '00 00', //     error_code NONE
        '00 00 00 00 00 00 00 00', //     base_offset 0
        'ff ff ff ff ff ff ff ff', //     log_append_time_ms -1
        '00 00 00 00', // throttle_time_ms
      ),
    )
  })

  it('answers the hand-written v9 request with exactly the expected bytes (offset 1)', async () => {
    assert.deepEqual(
      await roundTrip(broker.port, REQUEST_V9),
      hex(
        '00 00 00 16', // correlation_id 22
        '00', // header tags
        '02', // responses: 1
        '04',
        utf8('foo'),
        '02', //   partitions: 1
        '00 00 00 00', //     index 0
        '00 00', //     error_code NONE
        '00 00 00 00 00 00 00 01', //     base_offset 1
        'ff ff ff ff ff ff ff ff', //     log_append_time_ms -1
        '00 00 00 00 00 00 00 00', //     log_start_offset 0
        '01', //     record_errors: none
        '00', //     error_message: null
        '00', //     tags
        '00', //   tags
        '00 00 00 00', // throttle_time_ms
        '00', // tags
      ),
    )
  })

  it('checks every record against message.timestamp.before.max.ms: INVALID_TIMESTAMP with the record errors (v8+)', async () => {
    const c = await WireClient.connect(broker.port)
    const configs = { 'message.timestamp.before.max.ms': '3600000' }
    assert.equal((await c.createTopic('bounded', 1, { configs })).topics[0]?.errorCode, ErrorCode.NONE)
    const now = Date.now()
    const batch = (timestamps: number[]): Buffer =>
      encodeRecordBatch({ records: timestamps.map((timestamp) => ({ key: null, value: Buffer.from('v'), timestamp })) })
    const twoHoursAgo = now - 2 * 3_600_000
    const v9 = await c.produce('bounded', 0, batch([now, twoHoursAgo, now]))
    assert.equal(v9.errorCode, ErrorCode.INVALID_TIMESTAMP)
    assert.equal(v9.errorMessage, 'One or more records have been rejected due to invalid timestamp')
    assert.equal(v9.baseOffset, -1)
    assert.equal(v9.logStartOffset, 0)
    assert.equal(v9.recordErrors.length, 1)
    assert.equal(v9.recordErrors[0]?.batchIndex, 1)
    assert.match(
      v9.recordErrors[0]?.batchIndexErrorMessage ?? '',
      new RegExp(
        `^Timestamp ${twoHoursAgo} of message with offset 1 is out of range. The timestamp should be within \\[\\d+, -\\d+\\]$`,
      ),
    )
    // Before v8 the response has the error code only.
    const v7 = await c.produce('bounded', 0, batch([now, twoHoursAgo, now]), { version: 7 })
    assert.equal(v7.errorCode, ErrorCode.INVALID_TIMESTAMP)
    assert.equal((await c.produce('bounded', 0, batch([now, now - 60_000, now]))).baseOffset, 0)
    c.close()
  })
})

describe('Produce and min.insync.replicas on one node (one in-sync replica)', () => {
  let broker: EmbeddedBroker
  let c: WireClient
  const batch = (tag: string): Buffer =>
    encodeRecordBatch({
      records: [0, 1, 2].map((i) => ({
        key: Buffer.from(`k${i}`),
        value: Buffer.from(`${tag}-${i}`),
        timestamp: Date.now(),
      })),
    })
  const logEnd = async (topic: string): Promise<number> =>
    (await c.fetch(topic, 0, 0)).responses[0]!.partitions[0]!.highWatermark

  before(async () => {
    broker = await startBroker()
    c = await WireClient.connect(broker.port)
    assert.equal(
      (await c.createTopic('isr-strict', 1, { configs: { 'min.insync.replicas': '2' } })).topics[0]?.errorCode,
      0,
    )
    assert.equal((await c.createTopic('isr-default', 1)).topics[0]?.errorCode, 0)
  })
  after(async () => {
    c?.close()
    await broker?.close()
  })

  for (const version of [3, 8, 9]) {
    it(`v${version}: acks=-1 is NOT_ENOUGH_REPLICAS and appends nothing; acks=1 and acks=0 are appended`, async () => {
      const before = await logEnd('isr-strict')
      const all = await c.produce('isr-strict', 0, batch(`v${version}-all`), { version, acks: -1 })
      assert.equal(all.errorCode, ErrorCode.NOT_ENOUGH_REPLICAS)
      assert.equal(all.baseOffset, -1)
      if (version >= 8)
        assert.match(all.errorMessage ?? '', /ISR 1 is insufficient to satisfy the min.isr requirement of 2/)
      assert.equal(await logEnd('isr-strict'), before, 'nothing appended')

      const one = await c.produce('isr-strict', 0, batch(`v${version}-one`), { version, acks: 1 })
      assert.equal(one.errorCode, ErrorCode.NONE)
      assert.equal(one.baseOffset, before)
      // acks=0 gets no answer: a Metadata round trip behind it shows it was served.
      c.send(
        requestFrame(ApiKey.Produce, version, c.correlationId(), (w) =>
          encodeProduceRequest(w, version, produceRequest('isr-strict', 0, batch(`v${version}-none`), 0)),
        ),
      )
      await c.metadata(['isr-strict'])
      assert.equal(await logEnd('isr-strict'), before + 6)
    })
  }

  it('follows the broker default and live changes: a dynamic min.insync.replicas=2 refuses acks=-1 until it is removed', async () => {
    assert.equal((await c.produce('isr-default', 0, batch('first'), { acks: -1 })).errorCode, ErrorCode.NONE)
    const set = await incrementalAlterConfigs(c, 1, BROKER, '', [['min.insync.replicas', Op.Set, '2']])
    assert.equal(set.errorCode, ErrorCode.NONE)
    assert.equal(
      (await c.produce('isr-default', 0, batch('refused'), { acks: -1 })).errorCode,
      ErrorCode.NOT_ENOUGH_REPLICAS,
    )
    assert.equal((await c.produce('isr-default', 0, batch('one'), { acks: 1 })).errorCode, ErrorCode.NONE)
    const topicOverride = await incrementalAlterConfigs(c, 1, TOPIC, 'isr-default', [
      ['min.insync.replicas', Op.Set, '1'],
    ])
    assert.equal(topicOverride.errorCode, ErrorCode.NONE)
    assert.equal((await c.produce('isr-default', 0, batch('topic'), { acks: -1 })).errorCode, ErrorCode.NONE)
    await incrementalAlterConfigs(c, 1, TOPIC, 'isr-default', [['min.insync.replicas', Op.Delete, null]])
    assert.equal(
      (await c.produce('isr-default', 0, batch('again'), { acks: -1 })).errorCode,
      ErrorCode.NOT_ENOUGH_REPLICAS,
    )
    await incrementalAlterConfigs(c, 1, BROKER, '', [['min.insync.replicas', Op.Delete, null]])
    const last = await c.produce('isr-default', 0, batch('last'), { acks: -1 })
    assert.equal(last.errorCode, ErrorCode.NONE)
    assert.equal(last.baseOffset, 9, 'first, one, topic: three batches of three before it')
  })
})
