/**
 * ApiVersions (key 18), byte for byte: request and response frames written out by hand from the
 * protocol guide's layouts (ApiVersionsRequest.json / ApiVersionsResponse.json), checked against our
 * codecs in both directions, for v0 (non-flexible) and v3 (flexible, compact arrays, tagged fields); then
 * the broker's own answers, including the KIP-511 fallback body for a version it lacks and the v0
 * response header it uses even for flexible versions.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { ApiKey } from '../../../src/protocol/generated/api-message-types.ts'
import {
  type ApiVersionsResponse,
  decodeApiVersionsRequest,
  decodeApiVersionsResponse,
  encodeApiVersionsRequest,
  encodeApiVersionsResponse,
} from '../../../src/protocol/generated/api-versions.ts'
import { Reader } from '../../../src/protocol/primitives/reader.ts'
import { type EmbeddedBroker, startBroker } from '../../../src/server/embed.ts'
import { hex, readRequest, requestBytes, responseBytes, roundTrip, utf8 } from '../../helpers/hex.ts'

const HEADER = { apiKey: ApiKey.ApiVersions, correlationId: 7, clientId: 'test' }

function response(m: Partial<ApiVersionsResponse>): ApiVersionsResponse {
  return {
    errorCode: 0,
    apiKeys: [],
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1,
    finalizedFeatures: [],
    zkMigrationReady: false,
    ...m,
  }
}

describe('ApiVersions codecs, byte for byte', () => {
  it('request v0: header v1 (key, version, correlation id, client id) and an empty body', () => {
    const expected = hex(
      '00 12', // api_key = 18
      '00 00', // api_version = 0
      '00 00 00 07', // correlation_id = 7
      '00 04',
      utf8('test'), // client_id: int16 length + bytes
    )
    const got = requestBytes({ ...HEADER, apiVersion: 0 }, (w) =>
      encodeApiVersionsRequest(w, 0, { clientSoftwareName: 'ignored', clientSoftwareVersion: 'in v0' }),
    )
    assert.deepEqual(got, expected)
    const { header, body } = readRequest(expected)
    assert.deepEqual(header, { ...HEADER, apiVersion: 0 })
    assert.deepEqual(decodeApiVersionsRequest(body, 0), { clientSoftwareName: '', clientSoftwareVersion: '' })
    assert.equal(body.remaining, 0)
  })

  it('request v3: header v2 (+ tagged fields) and compact strings', () => {
    const expected = hex(
      '00 12', // api_key = 18
      '00 03', // api_version = 3
      '00 00 00 07', // correlation_id = 7
      '00 04',
      utf8('test'), // client_id stays an int16-length string in header v2
      '00', // header tagged fields: none
      '06',
      utf8('samsa'), // client_software_name: compact string, length + 1 = 6
      '06',
      utf8('0.1.0'), // client_software_version: compact string
      '00', // body tagged fields: none
    )
    const got = requestBytes({ ...HEADER, apiVersion: 3 }, (w) =>
      encodeApiVersionsRequest(w, 3, { clientSoftwareName: 'samsa', clientSoftwareVersion: '0.1.0' }),
    )
    assert.deepEqual(got, expected)
    const { header, body } = readRequest(expected)
    assert.deepEqual(header, { ...HEADER, apiVersion: 3 })
    assert.deepEqual(decodeApiVersionsRequest(body, 3), { clientSoftwareName: 'samsa', clientSoftwareVersion: '0.1.0' })
    assert.equal(body.remaining, 0)
  })

  const twoKeys = [
    { apiKey: 0, minVersion: 0, maxVersion: 11 },
    { apiKey: 18, minVersion: 0, maxVersion: 4 },
  ]

  it('response v0: error code, int32-counted array of (key, min, max), header v0', () => {
    const expected = hex(
      '00 00 00 07', // correlation_id (response header v0)
      '00 00', // error_code = NONE
      '00 00 00 02', // api_keys: 2 entries
      '00 00  00 00  00 0b', // Produce 0-11
      '00 12  00 00  00 04', // ApiVersions 0-4
    )
    const m = response({ apiKeys: twoKeys })
    assert.deepEqual(
      responseBytes(ApiKey.ApiVersions, 0, 7, (w) => encodeApiVersionsResponse(w, 0, m)),
      expected,
    )
    const r = new Reader(expected, 4)
    assert.deepEqual(decodeApiVersionsResponse(r, 0), m)
    assert.equal(r.remaining, 0)
  })

  it('response v1 adds throttle_time_ms after the array', () => {
    const expected = hex(
      '00 00', // error_code
      '00 00 00 01', // api_keys: 1 entry
      '00 12 00 00 00 04', // ApiVersions 0-4
      '00 00 00 64', // throttle_time_ms = 100
    )
    const m = response({ apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], throttleTimeMs: 100 })
    assert.deepEqual(
      responseBytes(ApiKey.ApiVersions, 1, 7, (w) => encodeApiVersionsResponse(w, 1, m)).subarray(4),
      expected,
    )
    assert.deepEqual(decodeApiVersionsResponse(new Reader(expected), 1), m)
  })

  it('response v3: compact array, per-entry tags, tagged fields 0, 1 and 3 in tag order; header still v0', () => {
    const expected = hex(
      '00 00 00 07', // correlation_id; ApiVersions responses never carry header tags
      '00 00', // error_code
      '03', // api_keys: compact array, 2 entries + 1
      '00 00  00 00  00 0b  00', // Produce 0-11, no tags
      '00 12  00 00  00 04  00', // ApiVersions 0-4, no tags
      '00 00 00 00', // throttle_time_ms
      '03', // 3 tagged fields
      '00 08', // tag 0 (supported_features), 8 bytes:
      '02', //   compact array, 1 entry
      '02',
      utf8('f'), //   name "f"
      '00 01', //   min_version 1
      '00 14', //   max_version 20
      '00', //   no tags
      '01 08',
      '00 00 00 00 00 00 00 05', // tag 1 (finalized_features_epoch), 8 bytes: 5
      '03 01',
      '01', // tag 3 (zk_migration_ready), 1 byte: true
    )
    const m = response({
      apiKeys: twoKeys,
      supportedFeatures: [{ name: 'f', minVersion: 1, maxVersion: 20 }],
      finalizedFeaturesEpoch: 5,
      zkMigrationReady: true,
    })
    assert.deepEqual(
      responseBytes(ApiKey.ApiVersions, 3, 7, (w) => encodeApiVersionsResponse(w, 3, m)),
      expected,
    )
    const r = new Reader(expected, 4)
    assert.deepEqual(decodeApiVersionsResponse(r, 3), m)
    assert.equal(r.remaining, 0)
  })

  it('response v3 with nothing tagged ends in a single zero byte', () => {
    const expected = hex('00 00', '02', '00 12 00 00 00 04 00', '00 00 00 00', '00')
    const m = response({ apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] })
    assert.deepEqual(
      responseBytes(ApiKey.ApiVersions, 3, 7, (w) => encodeApiVersionsResponse(w, 3, m)).subarray(4),
      expected,
    )
    assert.deepEqual(decodeApiVersionsResponse(new Reader(expected), 3), m)
  })
})

describe("the broker's ApiVersions answers", () => {
  let broker: EmbeddedBroker
  before(async () => {
    broker = await startBroker()
  })
  after(async () => {
    await broker?.close()
  })

  it('answers a version it lacks (v9) with exactly the KIP-511 v0 body', async () => {
    const request = hex(
      '00 12',
      '00 09',
      '00 00 00 2a',
      '00 04',
      utf8('test'),
      '00',
      '06',
      utf8('samsa'),
      '02 31',
      '00',
    )
    const got = await roundTrip(broker.port, request)
    assert.deepEqual(
      got,
      hex(
        '00 00 00 2a', // correlation_id 42, header v0
        '00 23', // error_code = 35 UNSUPPORTED_VERSION
        '00 00 00 01', // api_keys: int32 count 1 (v0 shape whatever was asked)
        '00 12 00 00 00 04', // ApiVersions 0-4
      ),
    )
  })

  /** What real clients need (PROTOCOL-CLIENTS §0) and what this broker serves. */
  function checkRanges(res: ApiVersionsResponse): void {
    assert.equal(res.errorCode, ErrorCode.NONE)
    const keys = res.apiKeys.map((k) => k.apiKey)
    assert.deepEqual(
      keys,
      [...keys].sort((a, b) => a - b),
      'sorted by key',
    )
    const range = new Map(res.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]))
    const served: [number, number, number][] = [
      [ApiKey.Produce, 0, 11],
      [ApiKey.Fetch, 0, 17],
      [ApiKey.ListOffsets, 0, 9],
      [ApiKey.Metadata, 0, 12],
      [ApiKey.ApiVersions, 0, 4],
      [ApiKey.CreateTopics, 0, 7],
      [ApiKey.DeleteTopics, 0, 6],
      [ApiKey.CreatePartitions, 0, 3],
      [ApiKey.DescribeConfigs, 0, 4],
      [ApiKey.DescribeCluster, 0, 1],
    ]
    for (const [key, min, max] of served) assert.deepEqual(range.get(key), [min, max], `API key ${key}`)
    // librdkafka enables groups, LZ4 and compression only when these start at 0 (or touch 1).
    for (const key of [
      ApiKey.FindCoordinator,
      ApiKey.JoinGroup,
      ApiKey.SyncGroup,
      ApiKey.Heartbeat,
      ApiKey.LeaveGroup,
    ]) {
      assert.equal(range.get(key)?.[0], 0, `API key ${key} is advertised from v0`)
    }
    assert.ok((range.get(ApiKey.OffsetFetch)?.[0] ?? 99) <= 1)
    assert.ok((range.get(ApiKey.OffsetCommit)?.[0] ?? 99) <= 2 && (range.get(ApiKey.OffsetCommit)?.[1] ?? -1) >= 1)
  }

  it('answers v0 with the served ranges in the v0 shape', async () => {
    const got = await roundTrip(broker.port, hex('00 12', '00 00', '00 00 00 01', 'ff ff')) // null client id
    const r = new Reader(got)
    assert.equal(r.readInt32(), 1)
    const res = decodeApiVersionsResponse(r, 0)
    assert.equal(r.remaining, 0, 'nothing after the v0 body')
    checkRanges(res)
  })

  it('answers v3 with header v0 (no tag byte) and a compact body ending in empty tags', async () => {
    const request = hex(
      '00 12',
      '00 03',
      '00 00 00 05',
      '00 04',
      utf8('test'),
      '00',
      '06',
      utf8('samsa'),
      '06',
      utf8('0.1.0'),
      '00',
    )
    const got = await roundTrip(broker.port, request)
    assert.deepEqual(got.subarray(0, 6), hex('00 00 00 05', '00 00'), 'correlation id, then the error code at once')
    const r = new Reader(got, 4)
    const res = decodeApiVersionsResponse(r, 3)
    assert.equal(r.remaining, 0)
    checkRanges(res)
    assert.equal(got.at(-1), 0, 'no tagged fields')
    const v0 = decodeApiVersionsResponse(
      new Reader(await roundTrip(broker.port, hex('00 12 00 00 00 00 00 01 ff ff')), 4),
      0,
    )
    assert.deepEqual(res.apiKeys, v0.apiKeys, 'every version advertises the same ranges')
  })

  it("answers v3 with a software name outside Kafka's pattern with INVALID_REQUEST", async () => {
    const request = hex('00 12', '00 03', '00 00 00 06', 'ff ff', '00', '05', utf8('ba d'), '02', utf8('1'), '00')
    const res = decodeApiVersionsResponse(new Reader(await roundTrip(broker.port, request), 4), 3)
    assert.equal(res.errorCode, ErrorCode.INVALID_REQUEST)
  })
})
