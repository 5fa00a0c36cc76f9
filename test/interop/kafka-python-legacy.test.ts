/**
 * kafka-python 2.0.2 pinned to old protocol versions, as a 0.9 or 0.10.0 client would talk: with
 * api_version (0, 9) it produces magic 0 message sets (Produce v1) and fetches with Fetch v1, with
 * (0, 10, 0) magic 1 with timestamps (Produce v2, Fetch v2). Per codec, 50 keyed records go in and come
 * back through the same old client (down-converted), and a modern Fetch reads them as the v2 batches the
 * broker stored, with dense offsets and (from 0.10) the producer's timestamps.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { compressionName } from '../../src/protocol/records/compression/index.ts'
import { BrokerProcess } from '../helpers/broker-process.ts'
import { pythonMissing, runPython } from '../helpers/interop.ts'
import { readPartition, WireClient } from '../helpers/kafka-wire.ts'

/** Python lines that note the class name of every request `client` sends (e.g. FetchRequest_v1). */
const recordRequests = (client: string): string => `
sent = set()
def recording(send):
    def wrapped(node_id, request, *args, **kwargs):
        sent.add(type(request).__name__)
        return send(node_id, request, *args, **kwargs)
    return wrapped
${client}.send = recording(${client}.send)
`

const PRODUCE = `
import json, sys
from kafka import KafkaProducer
a = json.load(sys.stdin)
p = KafkaProducer(bootstrap_servers=a['bootstrap'], api_version=tuple(a['apiVersion']),
                  compression_type=a['codec'], acks=1, linger_ms=20, max_in_flight_requests_per_connection=1)
${recordRequests('p._sender._client')}futures = [p.send(a['topic'], partition=0, key=r['key'].encode(), value=r['value'].encode(),
                  timestamp_ms=r['timestamp'])
           for r in a['records']]
p.flush()
offsets = [f.get(timeout=60).offset for f in futures]
p.close()
print(json.dumps({'offsets': offsets, 'requests': sorted(sent)}))
`

const CONSUME = `
import json, sys, time
from kafka import KafkaConsumer, TopicPartition
a = json.load(sys.stdin)
c = KafkaConsumer(bootstrap_servers=a['bootstrap'], api_version=tuple(a['apiVersion']), group_id=None,
                  enable_auto_commit=False, auto_offset_reset='earliest', check_crcs=True)
tp = TopicPartition(a['topic'], 0)
${recordRequests('c._client')}c.assign([tp])
c.seek_to_beginning(tp)
out = []
deadline = time.time() + 60
while len(out) < a['count'] and time.time() < deadline:
    for msgs in c.poll(timeout_ms=500).values():
        for m in msgs:
            out.append({'offset': m.offset, 'timestamp': m.timestamp, 'timestampType': m.timestamp_type,
                        'key': m.key.decode(), 'value': m.value.decode()})
c.close()
print(json.dumps({'records': out, 'requests': sorted(sent)}))
`

interface Consumed {
  offset: number
  timestamp: number | null
  timestampType: number | null
  key: string
  value: string
}

const COUNT = 50
const VERSIONS = [
  { name: '0.9', apiVersion: [0, 9], magic: 0, produce: 'ProduceRequest_v1', fetch: 'FetchRequest_v1' },
  { name: '0.10.0', apiVersion: [0, 10, 0], magic: 1, produce: 'ProduceRequest_v2', fetch: 'FetchRequest_v2' },
] as const
const CODECS = [
  { name: 'none', python: null, id: 0 },
  { name: 'gzip', python: 'gzip', id: 1 },
  { name: 'snappy', python: 'snappy', id: 2 },
  { name: 'lz4', python: 'lz4', id: 3 },
] as const

/** Why a combination cannot run on this machine, or undefined. */
function skipReason(version: (typeof VERSIONS)[number], codec: (typeof CODECS)[number]): string | undefined {
  if (codec.name === 'snappy') return pythonMissing('snappy') ?? undefined
  if (codec.name === 'lz4') {
    // kafka-python writes magic 0 LZ4 with the pre-0.10 header checksum, computed with the xxhash module.
    if (version.magic === 0) return pythonMissing('lz4.frame', 'xxhash') ?? undefined
    return pythonMissing('lz4.frame') ?? undefined
  }
  return undefined
}

const missing = pythonMissing('kafka')
describe('kafka-python at old protocol versions (legacy message sets)', () => {
  if (missing !== null) {
    it(`0.9 and 0.10.0 round trips (kafka-python not installed: ${missing})`, { skip: missing }, () => {})
    return
  }
  let broker: BrokerProcess
  before(async () => {
    broker = await BrokerProcess.start()
  })
  after(async () => {
    await broker?.close()
  })

  for (const version of VERSIONS) {
    for (const codec of CODECS) {
      const skip = skipReason(version, codec)
      it(`api_version ${version.name}, ${codec.name}: ${COUNT} records produced and consumed back`, {
        skip: skip ?? false,
        timeout: 180_000,
      }, async (t) => {
        const topic = `legacy-${version.name.replace(/\./g, '-')}-${codec.name}`
        const admin = await WireClient.connect(broker.port)
        assert.equal((await admin.createTopic(topic, 1)).topics[0]?.errorCode, 0)
        admin.close()
        const baseTs = Date.now() - 3_600_000
        const records = Array.from({ length: COUNT }, (_, i) => ({
          key: `key-${i % 7}`,
          value: `${codec.name} record ${i} `.repeat(10),
          timestamp: baseTs + i,
        }))
        const args = { bootstrap: broker.bootstrap, apiVersion: version.apiVersion, topic, codec: codec.python }
        const produced = await runPython<{ offsets: number[]; requests: string[] }>(
          PRODUCE,
          { ...args, records },
          t.signal,
        )
        assert.deepEqual(
          produced.requests.filter((r) => r.startsWith('Produce')),
          [version.produce],
        )
        assert.deepEqual(
          produced.offsets,
          records.map((_, i) => i),
        )

        const read = await runPython<{ records: Consumed[]; requests: string[] }>(
          CONSUME,
          { ...args, count: COUNT },
          t.signal,
        )
        assert.deepEqual(
          read.requests.filter((r) => r.startsWith('Fetch')),
          [version.fetch],
        )
        const consumed = read.records
        assert.deepEqual(
          consumed.map((r) => [r.offset, r.key, r.value]),
          records.map((r, i) => [i, r.key, r.value]),
        )
        for (const r of consumed) {
          // Magic 0 messages carry no timestamp (kafka-python reports None); magic 1 the producer's CreateTime.
          if (version.magic === 0) assert.deepEqual([r.timestamp, r.timestampType], [null, null])
          else assert.deepEqual([r.timestamp, r.timestampType], [records[r.offset]!.timestamp, 0])
        }

        const stored = await readPartition(broker.port, topic, 0)
        assert.equal(stored.highWatermark, COUNT)
        assert.deepEqual(
          stored.records.map((r) => [r.offset, r.key, r.value, r.timestamp]),
          records.map((r, i) => [i, r.key, r.value, version.magic === 0 ? -1 : r.timestamp]),
        )
        assert.ok(
          stored.records.every((r) => r.compression === codec.id),
          `stored as ${compressionName(codec.id)} batches`,
        )
      })
    }
  }

  it('wrote no error log lines', () => {
    const errors = broker.logLines.filter((l) => typeof l['level'] === 'number' && l['level'] >= 50)
    assert.deepEqual(errors, [])
  })
})
