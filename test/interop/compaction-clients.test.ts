/**
 * Compaction seen by real clients: kafkajs produces many keys with updates and tombstones (gzip and
 * uncompressed batches) to a cleanup.policy=compact topic; once the broker's cleaner reports a finished
 * round (its log line, not a timer), the log holds, per key, exactly the last write below the cleaned
 * offset, offsets increasing with gaps; kafkajs, kcat (librdkafka) and confluent-kafka-python
 * (librdkafka) consumers read it from the beginning and see exactly what the log holds. Then
 * `__consumer_offsets` (created compacted) is compacted too, and a restarted broker still serves the
 * last committed offset.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type * as KafkaJs from 'kafkajs'
import { createLogger } from '../../src/common/log.ts'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { commandMissing, pythonMissing, run, runPython } from '../helpers/interop.ts'
import { readPartition, type StoredRecord } from '../helpers/kafka-wire.ts'
import { LogWatch } from '../helpers/log-watch.ts'

const require = createRequire(import.meta.url)
const kafkajs = require('kafkajs') as typeof KafkaJs

const TOPIC = 'compacted-interop'
const KEYS = 250
const WRITES = 4000

interface Written {
  offset: number
  key: string
  value: string | null
}

const cleanedRound = (topic: string) => (l: Record<string, unknown>) =>
  l['msg'] === 'cleaned log' && l['topic'] === topic && l['completed'] === true

function checkCompacted(stored: StoredRecord[], history: Written[], endOffset: number): void {
  for (let i = 1; i < stored.length; i++) assert.ok(stored[i]!.offset > stored[i - 1]!.offset, 'offsets increase')
  const last = new Map<string, Written>()
  for (const h of history) if (h.offset < endOffset) last.set(h.key, h)
  const seen = new Set<string>()
  for (const r of stored.filter((s) => s.offset < endOffset)) {
    assert.ok(!seen.has(r.key!), `${r.key} once below the cleaned offset`)
    seen.add(r.key!)
    assert.deepEqual(
      [r.offset, r.value],
      [last.get(r.key!)?.offset, last.get(r.key!)?.value],
      `${r.key}: its last write`,
    )
  }
  for (const [key, w] of last) assert.ok(seen.has(key) || w.value === null, `${key} kept`)
  assert.deepEqual(
    stored.filter((s) => s.offset >= endOffset).map((s) => [s.offset, s.key, s.value]),
    history.filter((h) => h.offset >= endOffset).map((h) => [h.offset, h.key, h.value]),
  )
}

function asConsumed(stored: StoredRecord[]): [number, string | null, string | null][] {
  return stored.map((s) => [s.offset, s.key, s.value])
}

describe('compaction read by real clients', () => {
  let dataDir: string
  let broker: EmbeddedBroker
  let watch: LogWatch
  let stored: StoredRecord[] = []
  const history: Written[] = []
  const kafka = () =>
    new kafkajs.Kafka({ brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING, clientId: 'compaction' })

  async function startWatched(): Promise<void> {
    watch = new LogWatch()
    broker = await startBroker({
      dataDir,
      config: {
        'log.cleaner.backoff.ms': '50',
        'offsets.topic.num.partitions': '1',
        'offsets.topic.segment.bytes': '8192',
        'log.cleaner.min.cleanable.ratio': '0.01',
      },
      logger: createLogger({ level: 'info', destination: watch.sink }),
    })
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'samsa-compaction-'))
    await startWatched()
    const admin = kafka().admin()
    await admin.connect()
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: TOPIC,
          numPartitions: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: '32768' },
            { name: 'min.cleanable.dirty.ratio', value: '0.01' },
          ],
        },
      ],
    })
    await admin.disconnect()
    const producer = kafka().producer()
    await producer.connect()
    let seq = 0
    for (let batch = 0; seq < WRITES; batch++) {
      const messages = Array.from({ length: 50 }, () => {
        const key = `key-${(seq * 7919) % KEYS}`
        const value = seq % 10 === 9 ? null : `${key}=${seq}|${'x'.repeat(seq % 40)}`
        seq++
        return { key, value }
      })
      const compression = batch % 2 === 0 ? kafkajs.CompressionTypes.GZIP : kafkajs.CompressionTypes.None
      const [meta] = await producer.send({ topic: TOPIC, acks: -1, compression, messages })
      const base = Number(meta!.baseOffset)
      for (const [i, m] of messages.entries()) history.push({ offset: base + i, key: m.key, value: m.value })
    }
    // Two batches of 20 KiB in 32 KiB segments: the second surely starts a segment of its own, so every
    // write above is in an inactive segment and the last round ends exactly at the second filler.
    for (const value of ['a', 'b']) {
      const [meta] = await producer.send({
        topic: TOPIC,
        acks: -1,
        messages: [{ key: 'filler', value: value.repeat(20_000) }],
      })
      history.push({ offset: Number(meta!.baseOffset), key: 'filler', value: value.repeat(20_000) })
    }
    await producer.disconnect()
  })

  after(async () => {
    await broker.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('the cleaner leaves, per key, exactly the last write below the cleaned offset', async () => {
    const lastFiller = history.at(-1)!.offset
    const round = await watch.until((l) => cleanedRound(TOPIC)(l) && Number(l['endOffset']) === lastFiller)
    const r = await readPartition(broker.port, TOPIC, 0)
    assert.deepEqual(r.holes, [])
    assert.equal(r.highWatermark, WRITES + 2)
    stored = r.records
    assert.ok(stored.length < WRITES / 2, `compacted: ${stored.length} of ${WRITES} records left`)
    checkCompacted(stored, history, Number(round['endOffset']))
  })

  it('kafkajs reads the compacted log from the beginning as it is stored', async () => {
    const consumer = kafka().consumer({ groupId: 'compaction-reader' })
    await consumer.connect()
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true })
    const got: [number, string | null, string | null][] = []
    const lastStored = stored.at(-1)!.offset
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            got.push([Number(message.offset), message.key?.toString() ?? null, message.value?.toString() ?? null])
            if (Number(message.offset) === lastStored) resolve()
          },
        })
        .catch(reject)
    })
    await consumer.disconnect()
    assert.deepEqual(got, asConsumed(stored))
  })

  it('kcat (librdkafka) reads the compacted log from the beginning as it is stored', {
    skip: commandMissing('kcat') ? 'kcat not installed' : false,
  }, async () => {
    const { stdout } = await run('kcat', [
      '-C',
      '-b',
      broker.bootstrap,
      '-t',
      TOPIC,
      '-p',
      '0',
      '-o',
      'beginning',
      '-e',
      '-J',
      '-q',
    ])
    const got = stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { offset: number; key: string | null; payload: string | null })
      .map((m): [number, string | null, string | null] => [m.offset, m.key, m.payload])
    assert.deepEqual(got, asConsumed(stored))
  })

  it('confluent-kafka-python (librdkafka) reads the compacted log from the beginning as it is stored', {
    skip: pythonMissing('confluent_kafka') ?? false,
  }, async () => {
    const got = await runPython<[number, string | null, string | null][]>(
      `
import json, sys
from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING, KafkaError
a = json.load(sys.stdin)
c = Consumer({'bootstrap.servers': a['bootstrap'], 'group.id': 'compaction-py', 'enable.auto.commit': False,
              'enable.partition.eof': True})
c.assign([TopicPartition(a['topic'], 0, OFFSET_BEGINNING)])
out = []
while True:
    m = c.poll(30)
    if m is None: raise SystemExit('no message within 30 s')
    if m.error():
        if m.error().code() == KafkaError._PARTITION_EOF: break
        raise SystemExit(str(m.error()))
    k, v = m.key(), m.value()
    out.append([m.offset(), None if k is None else k.decode(), None if v is None else v.decode()])
c.close()
print(json.dumps(out))
`,
      { bootstrap: broker.bootstrap, topic: TOPIC },
    )
    assert.deepEqual(got, asConsumed(stored))
  })

  it('compacts __consumer_offsets; a restarted broker serves the last committed offset', async () => {
    const consumer = kafka().consumer({ groupId: 'committer' })
    await consumer.connect()
    await consumer.subscribe({ topic: TOPIC, fromBeginning: false })
    const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve))
    void consumer.run({ autoCommit: false, eachMessage: async () => {} })
    await joined
    const cleaned = watch.next(cleanedRound('__consumer_offsets'))
    for (let i = 1; i <= 400; i++) await consumer.commitOffsets([{ topic: TOPIC, partition: 0, offset: String(i) }])
    const round = await cleaned
    assert.ok(Number(round['recordsRemoved']) > 0, 'superseded commits were removed')
    await consumer.disconnect()
    await broker.close()
    await startWatched()
    const admin = kafka().admin()
    await admin.connect()
    const [committed] = await admin.fetchOffsets({ groupId: 'committer', topics: [TOPIC] })
    assert.equal(committed?.partitions[0]?.offset, '400')
    await admin.disconnect()
  })
})
