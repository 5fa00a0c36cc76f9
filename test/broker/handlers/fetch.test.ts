/**
 * Fetch (key 1), byte for byte: requests and responses written out by hand from the protocol guide's
 * layouts (FetchRequest.json / FetchResponse.json) for v4 (non-flexible: isolation level, last stable
 * offset, aborted transactions) and v12 (flexible: sessions, leader epochs, compact records, tagged
 * fields), checked against our codecs both ways; then the broker's whole responses to hand-written
 * requests, byte for byte, including the stored batches: the producer's bytes with only the base offset
 * and partition leader epoch rewritten (the CRC does not cover them).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { ApiKey } from '../../../src/protocol/generated/api-message-types.ts'
import {
  decodeFetchRequest,
  decodeFetchResponse,
  encodeFetchRequest,
  encodeFetchResponse,
  type FetchRequest,
  type FetchResponse,
  type FetchResponsePartitionData,
} from '../../../src/protocol/generated/fetch.ts'
import { Reader } from '../../../src/protocol/primitives/reader.ts'
import { ZERO_UUID } from '../../../src/protocol/primitives/uuid.ts'
import { CompressionType } from '../../../src/protocol/records/compression/index.ts'
import { decodeRecordBatches, encodeRecordBatch } from '../../../src/protocol/records/records.ts'
import { type EmbeddedBroker, startBroker } from '../../../src/server/embed.ts'
import { BATCH_TIMESTAMP, HAND_BATCH, storedBatch } from '../../helpers/batch-fixture.ts'
import { hex, readRequest, requestBytes, responseBytes, roundTrip, utf8 } from '../../helpers/hex.ts'
import { WireClient } from '../../helpers/kafka-wire.ts'

function request(version: number): FetchRequest {
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1 },
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 0x100000,
    isolationLevel: version >= 12 ? 1 : 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: 'foo',
        topicId: ZERO_UUID,
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset: 0,
            lastFetchedEpoch: -1,
            logStartOffset: -1,
            partitionMaxBytes: 0x100000,
            replicaDirectoryId: ZERO_UUID,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  }
}

/** Fetch v4, read_uncommitted, foo-0 from offset 0. */
const REQUEST_V4 = hex(
  '00 01', // api_key = 1
  '00 04', // api_version = 4
  '00 00 00 1f', // correlation_id = 31
  'ff ff', // client_id = null
  'ff ff ff ff', // replica_id = -1 (a consumer)
  '00 00 00 00', // max_wait_ms = 0
  '00 00 00 00', // min_bytes = 0
  '00 10 00 00', // max_bytes = 1 MiB
  '00', // isolation_level = READ_UNCOMMITTED
  '00 00 00 01', // topics: 1
  '00 03',
  utf8('foo'), //   topic
  '00 00 00 01', //   partitions: 1
  '00 00 00 00', //     partition 0
  '00 00 00 00 00 00 00 00', //     fetch_offset 0
  '00 10 00 00', //     partition_max_bytes 1 MiB
)

/** Fetch v12, read_committed, session-less, foo-0 from offset 0. */
const REQUEST_V12 = hex(
  '00 01', // api_key = 1
  '00 0c', // api_version = 12
  '00 00 00 20', // correlation_id = 32
  'ff ff', // client_id = null
  '00', // header tags
  'ff ff ff ff', // replica_id = -1
  '00 00 00 00', // max_wait_ms
  '00 00 00 00', // min_bytes
  '00 10 00 00', // max_bytes
  '01', // isolation_level = READ_COMMITTED
  '00 00 00 00', // session_id = 0
  'ff ff ff ff', // session_epoch = -1 (no session)
  '02', // topics: compact, 1
  '04',
  utf8('foo'), //   topic: compact string
  '02', //   partitions: compact, 1
  '00 00 00 00', //     partition
  'ff ff ff ff', //     current_leader_epoch = -1
  '00 00 00 00 00 00 00 00', //     fetch_offset
  'ff ff ff ff', //     last_fetched_epoch = -1
  'ff ff ff ff ff ff ff ff', //     log_start_offset = -1
  '00 10 00 00', //     partition_max_bytes
  '00', //     tags
  '00', //   tags
  '01', // forgotten_topics_data: compact, empty
  '01', // rack_id: compact string ""
  '00', // tags (cluster_id, replica_state: absent)
)

function partitionData(m: Partial<FetchResponsePartitionData>): FetchResponsePartitionData {
  return {
    partitionIndex: 0,
    errorCode: 0,
    highWatermark: 0,
    lastStableOffset: -1,
    logStartOffset: -1,
    divergingEpoch: { epoch: -1, endOffset: -1 },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1, epoch: -1 },
    abortedTransactions: [],
    preferredReadReplica: -1,
    records: null,
    ...m,
  }
}

describe('Fetch codecs, byte for byte', () => {
  for (const [version, bytes, correlationId] of [
    [4, REQUEST_V4, 31],
    [12, REQUEST_V12, 32],
  ] as const) {
    it(`request v${version}: encodes to the hand-written bytes and decodes from them`, () => {
      const m = request(version)
      assert.deepEqual(
        requestBytes({ apiKey: 1, apiVersion: version, correlationId, clientId: null }, (w) =>
          encodeFetchRequest(w, version, m),
        ),
        bytes,
      )
      const { header, body } = readRequest(bytes)
      assert.deepEqual(header, { apiKey: 1, apiVersion: version, correlationId, clientId: null })
      assert.deepEqual(decodeFetchRequest(body, version), m)
      assert.equal(body.remaining, 0)
    })
  }

  it('response v4: high watermark, last stable offset, aborted transactions, int32-length records', () => {
    const m: FetchResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 'foo',
          topicId: ZERO_UUID,
          partitions: [
            partitionData({
              highWatermark: 1,
              lastStableOffset: 1,
              abortedTransactions: [{ producerId: 7, firstOffset: 3 }],
              records: HAND_BATCH,
            }),
          ],
        },
      ],
      nodeEndpoints: [],
    }
    const expected = hex(
      '00 00 00 1f', // correlation_id
      '00 00 00 00', // throttle_time_ms
      '00 00 00 01', // responses: 1
      '00 03',
      utf8('foo'), //   topic
      '00 00 00 01', //   partitions: 1
      '00 00 00 00', //     partition_index
      '00 00', //     error_code
      '00 00 00 00 00 00 00 01', //     high_watermark 1
      '00 00 00 00 00 00 00 01', //     last_stable_offset 1
      '00 00 00 01', //     aborted_transactions: 1
      '00 00 00 00 00 00 00 07', //       producer_id 7
      '00 00 00 00 00 00 00 03', //       first_offset 3
      '00 00 00 4a', //     records: int32 length 74
      HAND_BATCH,
    )
    assert.deepEqual(
      responseBytes(ApiKey.Fetch, 4, 31, (w) => encodeFetchResponse(w, 4, m)),
      expected,
    )
    const r = new Reader(expected, 4)
    assert.deepEqual(decodeFetchResponse(r, 4), m)
    assert.equal(r.remaining, 0)
  })

  it('response v12: error code and session id, log start offset, null aborted list, tagged current leader', () => {
    const m: FetchResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0x1234,
      responses: [
        {
          topic: 'foo',
          topicId: ZERO_UUID,
          partitions: [
            partitionData({
              partitionIndex: 1,
              errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER,
              highWatermark: -1,
              lastStableOffset: -1,
              logStartOffset: -1,
              abortedTransactions: null,
              currentLeader: { leaderId: 2, leaderEpoch: 9 },
              records: null,
            }),
          ],
        },
      ],
      nodeEndpoints: [],
    }
    const expected = hex(
      '00 00 00 20', // correlation_id
      '00', // header tags
      '00 00 00 00', // throttle_time_ms
      '00 00', // error_code
      '00 00 12 34', // session_id
      '02', // responses: compact, 1
      '04',
      utf8('foo'), //   topic
      '02', //   partitions: compact, 1
      '00 00 00 01', //     partition_index 1
      '00 06', //     error_code NOT_LEADER_OR_FOLLOWER
      'ff ff ff ff ff ff ff ff', //     high_watermark -1
      'ff ff ff ff ff ff ff ff', //     last_stable_offset -1
      'ff ff ff ff ff ff ff ff', //     log_start_offset -1
      '00', //     aborted_transactions: compact nullable, null
      'ff ff ff ff', //     preferred_read_replica -1
      '00', //     records: compact nullable, null
      '01', //     1 tagged field
      '01 09', //     tag 1 (current_leader), 9 bytes:
      '00 00 00 02', //       leader_id 2
      '00 00 00 09', //       leader_epoch 9
      '00', //       tags
      '00', //   tags
      '00', // tags
    )
    assert.deepEqual(
      responseBytes(ApiKey.Fetch, 12, 32, (w) => encodeFetchResponse(w, 12, m)),
      expected,
    )
    const r = new Reader(expected, 5)
    assert.deepEqual(decodeFetchResponse(r, 12), m)
    assert.equal(r.remaining, 0)
  })
})

describe("the broker's Fetch answers", () => {
  let broker: EmbeddedBroker
  let leaderEpoch: number
  before(async () => {
    broker = await startBroker()
    const c = await WireClient.connect(broker.port)
    assert.equal((await c.createTopic('foo', 1)).topics[0]?.errorCode, ErrorCode.NONE)
    for (const offset of [0, 1]) {
      const res = await c.produce('foo', 0, Buffer.from(HAND_BATCH), { acks: -1 })
      assert.equal(res.errorCode, ErrorCode.NONE)
      assert.equal(res.baseOffset, offset)
    }
    leaderEpoch = (await c.metadata(['foo'])).topics[0]!.partitions[0]!.leaderEpoch
    c.close()
  })
  after(async () => {
    await broker?.close()
  })

  it('answers the hand-written v4 request with exactly the expected bytes, the batches as stored', async () => {
    const got = await roundTrip(broker.port, REQUEST_V4)
    assert.deepEqual(
      got,
      hex(
        '00 00 00 1f', // correlation_id 31
        '00 00 00 00', // throttle_time_ms
        '00 00 00 01', // responses: 1
        '00 03',
        utf8('foo'),
        '00 00 00 01', //   partitions: 1
        '00 00 00 00', //     partition_index 0
        '00 00', //     error_code NONE
        '00 00 00 00 00 00 00 02', //     high_watermark 2
        '00 00 00 00 00 00 00 02', //     last_stable_offset 2
        'ff ff ff ff', //     aborted_transactions: null (READ_UNCOMMITTED)
        '00 00 00 94', //     records: 148 bytes
        storedBatch(0, leaderEpoch),
        storedBatch(1, leaderEpoch),
      ),
    )
  })

  it('answers the hand-written v12 request with exactly the expected bytes, the batches as stored', async () => {
    const got = await roundTrip(broker.port, REQUEST_V12)
    assert.deepEqual(
      got,
      hex(
        '00 00 00 20', // correlation_id 32
        '00', // header tags
        '00 00 00 00', // throttle_time_ms
        '00 00', // error_code
        '00 00 00 00', // session_id 0 (no session asked for)
        '02', // responses: 1
        '04',
        utf8('foo'),
        '02', //   partitions: 1
        '00 00 00 00', //     partition_index
        '00 00', //     error_code
        '00 00 00 00 00 00 00 02', //     high_watermark 2
        '00 00 00 00 00 00 00 02', //     last_stable_offset 2
        '00 00 00 00 00 00 00 00', //     log_start_offset 0
        '01', //     aborted_transactions: empty (READ_COMMITTED, none aborted)
        'ff ff ff ff', //     preferred_read_replica -1
        '95 01', //     records: compact bytes, uvarint 148 + 1 = 149
        storedBatch(0, leaderEpoch),
        storedBatch(1, leaderEpoch),
        '00', //     tags
        '00', //   tags
        '00', // tags
      ),
    )
  })
})

describe('zstd data and Fetch versions before 10 (KIP-110)', () => {
  // Kafka refuses Fetch < 10 only for topics whose compression.type is zstd (KafkaApis checks the log
  // config, never the batches); with compression.type=producer, zstd batches reach old fetchers as stored,
  // and clients that can decompress them (kafka-python 2.0.2 always fetches with v4) read them.
  let broker: EmbeddedBroker
  const zstdBatch = encodeRecordBatch({
    compression: CompressionType.Zstd,
    records: [{ key: Buffer.from('k'), value: Buffer.from('zstd'.repeat(50)), timestamp: BATCH_TIMESTAMP }],
  })
  before(async () => {
    broker = await startBroker()
    const c = await WireClient.connect(broker.port)
    for (const [topic, configs] of [
      ['by-producer', {}],
      ['zstd-topic', { 'compression.type': 'zstd' }],
    ] as const) {
      assert.equal((await c.createTopic(topic, 1, { configs })).topics[0]?.errorCode, ErrorCode.NONE)
      const res = await c.produce(topic, 0, Buffer.from(zstdBatch), { version: 9, acks: -1 })
      assert.equal(res.errorCode, ErrorCode.NONE)
    }
    c.close()
  })
  after(async () => {
    await broker?.close()
  })

  it('serves zstd batches of a compression.type=producer topic to Fetch v4-v9 as stored', async () => {
    const c = await WireClient.connect(broker.port)
    for (const version of [4, 9, 10, 12]) {
      const p = (await c.fetch('by-producer', 0, 0, { version })).responses[0]?.partitions[0]
      assert.equal(p?.errorCode, ErrorCode.NONE, `Fetch v${version}`)
      const batches = decodeRecordBatches(p?.records ?? Buffer.alloc(0))
      assert.deepEqual(
        batches.map((b) => [b.compression, b.records[0]?.value?.toString()]),
        [[CompressionType.Zstd, 'zstd'.repeat(50)]],
        `Fetch v${version}`,
      )
    }
    c.close()
  })

  it('answers Fetch v4-v9 of a compression.type=zstd topic with UNSUPPORTED_COMPRESSION_TYPE, v10+ with data', async () => {
    const c = await WireClient.connect(broker.port)
    for (const version of [4, 9]) {
      const p = (await c.fetch('zstd-topic', 0, 0, { version })).responses[0]?.partitions[0]
      assert.equal(p?.errorCode, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `Fetch v${version}`)
    }
    for (const version of [10, 12]) {
      const p = (await c.fetch('zstd-topic', 0, 0, { version })).responses[0]?.partitions[0]
      assert.equal(p?.errorCode, ErrorCode.NONE, `Fetch v${version}`)
      assert.equal(decodeRecordBatches(p?.records ?? Buffer.alloc(0)).length, 1)
    }
    c.close()
  })
})
