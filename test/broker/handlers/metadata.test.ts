/**
 * Metadata (key 3), byte for byte: requests and responses written out by hand from the protocol guide's
 * layouts (MetadataRequest.json / MetadataResponse.json) for v1 and v4 (non-flexible: int16 strings,
 * int32 arrays, null = -1) and v12 (flexible: compact strings and arrays, topic ids, tagged fields),
 * checked against our codecs both ways; then the broker's answers: a whole v1 response compared byte for
 * byte, v12 decoded field by field, and the v0 / v1+ meaning of empty and null topic lists.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { ApiKey } from '../../../src/protocol/generated/api-message-types.ts'
import {
  decodeMetadataRequest,
  decodeMetadataResponse,
  encodeMetadataRequest,
  encodeMetadataResponse,
  type MetadataRequest,
  type MetadataResponse,
} from '../../../src/protocol/generated/metadata.ts'
import { Reader } from '../../../src/protocol/primitives/reader.ts'
import { ZERO_UUID } from '../../../src/protocol/primitives/uuid.ts'
import { type EmbeddedBroker, startBroker } from '../../../src/server/embed.ts'
import { hex, readRequest, requestBytes, responseBytes, roundTrip, utf8 } from '../../helpers/hex.ts'
import { WireClient } from '../../helpers/kafka-wire.ts'

const AUTHORIZED_OPERATIONS_OMITTED = -2147483648
/** Topic id 00 01 02 ... 0f as 16 raw bytes, and as Samsa's base64url form. */
const TOPIC_ID_BYTES = '00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f'
const TOPIC_ID = hex(TOPIC_ID_BYTES).toString('base64url')

function request(m: Partial<MetadataRequest>): MetadataRequest {
  return {
    topics: [],
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
    ...m,
  }
}

describe('Metadata codecs, byte for byte', () => {
  it('request v1: int32-counted topic names; null (-1) means all topics', () => {
    const expected = hex(
      '00 03', // api_key = 3
      '00 01', // api_version = 1
      '00 00 00 09', // correlation_id
      'ff ff', // client_id = null
      '00 00 00 01', // topics: 1
      '00 03',
      utf8('foo'), // name
    )
    const m = request({ topics: [{ name: 'foo', topicId: ZERO_UUID }] })
    assert.deepEqual(
      requestBytes({ apiKey: 3, apiVersion: 1, correlationId: 9, clientId: null }, (w) =>
        encodeMetadataRequest(w, 1, m),
      ),
      expected,
    )
    const { body } = readRequest(expected)
    assert.deepEqual(decodeMetadataRequest(body, 1), m, 'allow_auto_topic_creation defaults to true below v4')
    const all = hex('ff ff ff ff')
    assert.deepEqual(decodeMetadataRequest(new Reader(all), 1), request({ topics: null }))
  })

  it('request v4 appends allow_auto_topic_creation', () => {
    const expected = hex('00 00 00 02', '00 01', utf8('a'), '00 02', utf8('bb'), '00') // 2 topics, auto-create false
    const m = request({
      topics: [
        { name: 'a', topicId: ZERO_UUID },
        { name: 'bb', topicId: ZERO_UUID },
      ],
      allowAutoTopicCreation: false,
    })
    const got = requestBytes({ apiKey: 3, apiVersion: 4, correlationId: 1, clientId: null }, (w) =>
      encodeMetadataRequest(w, 4, m),
    )
    assert.deepEqual(got.subarray(10), expected)
    assert.deepEqual(decodeMetadataRequest(new Reader(expected), 4), m)
  })

  it('request v12: header v2, compact array of (topic_id, compact nullable name, tags), two flags, tags', () => {
    const expected = hex(
      '00 03', // api_key = 3
      '00 0c', // api_version = 12
      '00 00 00 09', // correlation_id
      '00 04',
      utf8('test'), // client_id
      '00', // header tags
      '02', // topics: compact array, 1 entry
      TOPIC_ID_BYTES, //   topic_id
      '04',
      utf8('foo'), //   name: compact nullable string
      '00', //   tags
      '01', // allow_auto_topic_creation = true
      '00', // include_topic_authorized_operations = false
      '00', // tags
    )
    const m = request({ topics: [{ name: 'foo', topicId: TOPIC_ID }] })
    assert.deepEqual(
      requestBytes({ apiKey: 3, apiVersion: 12, correlationId: 9, clientId: 'test' }, (w) =>
        encodeMetadataRequest(w, 12, m),
      ),
      expected,
    )
    const { body } = readRequest(expected)
    assert.deepEqual(decodeMetadataRequest(body, 12), m)
    assert.equal(body.remaining, 0)
    // A null topic list is a compact length of 0.
    assert.deepEqual(
      decodeMetadataRequest(new Reader(hex('00', '00', '00', '00')), 12),
      request({ topics: null, allowAutoTopicCreation: false }),
    )
  })

  const v1Response: MetadataResponse = {
    throttleTimeMs: 0,
    brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
    clusterId: null,
    controllerId: 1,
    topics: [
      {
        errorCode: 0,
        name: 'foo',
        topicId: ZERO_UUID,
        isInternal: false,
        partitions: [
          {
            errorCode: 0,
            partitionIndex: 0,
            leaderId: 1,
            leaderEpoch: -1,
            replicaNodes: [1],
            isrNodes: [1],
            offlineReplicas: [],
          },
        ],
        topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      },
    ],
    clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  }

  it('response v1: brokers (with rack), controller id, topics with is_internal and partitions', () => {
    const expected = hex(
      '00 00 00 09', // correlation_id
      '00 00 00 01', // brokers: 1
      '00 00 00 01', //   node_id 1
      '00 01',
      utf8('h'), //   host
      '00 00 23 84', //   port 9092
      'ff ff', //   rack: null
      '00 00 00 01', // controller_id 1
      '00 00 00 01', // topics: 1
      '00 00', //   error_code
      '00 03',
      utf8('foo'), //   name
      '00', //   is_internal = false
      '00 00 00 01', //   partitions: 1
      '00 00', //     error_code
      '00 00 00 00', //     partition_index 0
      '00 00 00 01', //     leader_id 1
      '00 00 00 01  00 00 00 01', //     replica_nodes [1]
      '00 00 00 01  00 00 00 01', //     isr_nodes [1]
    )
    assert.deepEqual(
      responseBytes(ApiKey.Metadata, 1, 9, (w) => encodeMetadataResponse(w, 1, v1Response)),
      expected,
    )
    const r = new Reader(expected, 4)
    assert.deepEqual(decodeMetadataResponse(r, 1), v1Response)
    assert.equal(r.remaining, 0)
  })

  it('response v12: header v1, cluster id, topic id, leader epoch, offline replicas, authorized operations, tags', () => {
    const m: MetadataResponse = {
      ...v1Response,
      clusterId: 'abc',
      topics: [
        {
          ...v1Response.topics[0]!,
          topicId: TOPIC_ID,
          partitions: [{ ...v1Response.topics[0]!.partitions[0]!, leaderEpoch: 5 }],
        },
      ],
    }
    const expected = hex(
      '00 00 00 09', // correlation_id
      '00', // response header tags (header v1)
      '00 00 00 00', // throttle_time_ms
      '02', // brokers: compact, 1
      '00 00 00 01', //   node_id
      '02',
      utf8('h'), //   host: compact string
      '00 00 23 84', //   port
      '00', //   rack: compact nullable, null
      '00', //   tags
      '04',
      utf8('abc'), // cluster_id
      '00 00 00 01', // controller_id
      '02', // topics: compact, 1
      '00 00', //   error_code
      '04',
      utf8('foo'), //   name
      TOPIC_ID_BYTES, //   topic_id
      '00', //   is_internal
      '02', //   partitions: compact, 1
      '00 00', //     error_code
      '00 00 00 00', //     partition_index
      '00 00 00 01', //     leader_id
      '00 00 00 05', //     leader_epoch
      '02 00 00 00 01', //     replica_nodes [1]
      '02 00 00 00 01', //     isr_nodes [1]
      '01', //     offline_replicas []
      '00', //     tags
      '80 00 00 00', //   topic_authorized_operations = INT32_MIN (not requested)
      '00', //   tags
      '00', // tags
    )
    assert.deepEqual(
      responseBytes(ApiKey.Metadata, 12, 9, (w) => encodeMetadataResponse(w, 12, m)),
      expected,
    )
    const r = new Reader(expected, 5)
    assert.deepEqual(decodeMetadataResponse(r, 12), m)
    assert.equal(r.remaining, 0)
  })
})

describe("the broker's Metadata answers", () => {
  let broker: EmbeddedBroker
  let topicId: string
  before(async () => {
    broker = await startBroker({ config: { 'auto.create.topics.enable': 'false' } })
    const c = await WireClient.connect(broker.port)
    const created = await c.createTopic('meta', 2)
    c.close()
    assert.equal(created.topics[0]?.errorCode, ErrorCode.NONE)
    topicId = created.topics[0]!.topicId
  })
  after(async () => {
    await broker?.close()
  })

  it('answers v1 for one topic with exactly the expected bytes', async () => {
    const port = Buffer.alloc(4)
    port.writeInt32BE(broker.port)
    const partition = (index: string) =>
      hex(
        '00 00', // error_code
        index, // partition_index
        '00 00 00 01', // leader_id = node 1
        '00 00 00 01 00 00 00 01', // replica_nodes [1]
        '00 00 00 01 00 00 00 01', // isr_nodes [1]
      )
    const expected = hex(
      '00 00 00 0b', // correlation_id 11
      '00 00 00 01', // brokers: 1
      '00 00 00 01', //   node_id 1
      '00 09',
      utf8('127.0.0.1'), //   host: the listener the request came in on
      port, //   port
      'ff ff', //   rack: null
      '00 00 00 01', // controller_id 1
      '00 00 00 01', // topics: 1
      '00 00', //   error_code
      '00 04',
      utf8('meta'), //   name
      '00', //   is_internal
      '00 00 00 02', //   partitions: 2, by index
      partition('00 00 00 00'),
      partition('00 00 00 01'),
    )
    const got = await roundTrip(
      broker.port,
      hex('00 03', '00 01', '00 00 00 0b', 'ff ff', '00 00 00 01', '00 04', utf8('meta')),
    )
    assert.deepEqual(got, expected)
  })

  it('answers v12 (flexible) with the cluster id, topic id and leader epochs', async () => {
    const request = hex(
      '00 03',
      '00 0c',
      '00 00 00 0c',
      'ff ff',
      '00',
      '02',
      '00'.repeat(16),
      '05',
      utf8('meta'),
      '00',
      '00',
      '00',
      '00',
    )
    const got = await roundTrip(broker.port, request)
    assert.deepEqual(got.subarray(0, 5), hex('00 00 00 0c', '00'), 'correlation id and empty header tags')
    const r = new Reader(got, 5)
    const res = decodeMetadataResponse(r, 12)
    assert.equal(r.remaining, 0)
    assert.equal(res.throttleTimeMs, 0)
    assert.deepEqual(res.brokers, [{ nodeId: 1, host: '127.0.0.1', port: broker.port, rack: null }])
    assert.match(res.clusterId ?? '', /^[A-Za-z0-9_-]{22}$/)
    assert.equal(res.controllerId, 1)
    assert.equal(res.topics.length, 1)
    const t = res.topics[0]!
    assert.deepEqual(
      {
        errorCode: t.errorCode,
        name: t.name,
        topicId: t.topicId,
        isInternal: t.isInternal,
        ops: t.topicAuthorizedOperations,
      },
      { errorCode: 0, name: 'meta', topicId, isInternal: false, ops: AUTHORIZED_OPERATIONS_OMITTED },
    )
    assert.notEqual(topicId, ZERO_UUID)
    assert.deepEqual(
      t.partitions.map((p) => [
        p.errorCode,
        p.partitionIndex,
        p.leaderId,
        p.replicaNodes,
        p.isrNodes,
        p.offlineReplicas,
      ]),
      [
        [0, 0, 1, [1], [1], []],
        [0, 1, 1, [1], [1], []],
      ],
    )
    for (const p of t.partitions) assert.ok(p.leaderEpoch >= 0, 'a real leader epoch')
  })

  it('answers an unknown topic with UNKNOWN_TOPIC_OR_PARTITION (auto-creation off) in v1 and v12', async () => {
    const c = await WireClient.connect(broker.port)
    for (const version of [1, 12]) {
      const res = await c.metadata(['nope'], { version, autoCreate: true })
      assert.equal(res.topics[0]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      assert.deepEqual(res.topics[0]?.partitions, [])
    }
    c.close()
  })

  it('reads an empty list as all topics in v0 and as no topics in v1; null is all topics in v1', async () => {
    const c = await WireClient.connect(broker.port)
    const v0 = await c.metadata([], { version: 0 })
    assert.deepEqual(
      v0.topics.map((t) => t.name),
      ['meta'],
    )
    assert.deepEqual((await c.metadata([], { version: 1 })).topics, [])
    assert.deepEqual(
      (await c.metadata(null, { version: 1 })).topics.map((t) => t.name),
      ['meta'],
    )
    c.close()
  })
})
