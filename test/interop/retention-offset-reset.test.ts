/**
 * auto.offset.reset after retention (not DeleteRecords) deleted the segments a consumer group's committed
 * offset points into, with confluent-kafka-python 1.7.0 (librdkafka 2.0.2): small segments, then a
 * retention.bytes set live makes the broker's retention pass delete the oldest segments and advance the log
 * start offset. A fetch below it is OFFSET_OUT_OF_RANGE; a group committed at 0 with earliest resumes at the
 * first remaining record (as does a new group), and with latest it reads only records written afterwards.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createLogger } from '../../src/common/log.ts'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { encodeRecordBatch } from '../../src/protocol/records/records.ts'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { incrementalAlterConfigs, Op, TOPIC } from '../broker/handlers/config-wire.ts'
import { pythonMissing, runPython } from '../helpers/interop.ts'
import { WireClient } from '../helpers/kafka-wire.ts'
import { LogWatch } from '../helpers/log-watch.ts'

const TOPIC_NAME = 'retained'
const BATCHES = 40
const PER_BATCH = 5
const RECORDS = BATCHES * PER_BATCH

/** Commits `offset` for each group with librdkafka's commit, then reads it back as committed. */
const COMMIT = `
import json, sys
from confluent_kafka import Consumer, TopicPartition
a = json.load(sys.stdin)
out = {}
for g in a['groups']:
    c = Consumer({'bootstrap.servers': a['bootstrap'], 'group.id': g, 'enable.auto.commit': False})
    c.commit(offsets=[TopicPartition(a['topic'], 0, a['offset'])], asynchronous=False)
    out[g] = c.committed([TopicPartition(a['topic'], 0)], timeout=30)[0].offset
    c.close()
print(json.dumps(out))
`

/**
 * A group member (subscribe) reading until the end of the partition (a partition EOF event). With
 * records to produce, it then writes them with its own producer and reads on until they have arrived.
 */
const CONSUME = `
import json, sys, time
from confluent_kafka import Consumer, Producer, TopicPartition, KafkaError
a = json.load(sys.stdin)
c = Consumer({'bootstrap.servers': a['bootstrap'], 'group.id': a['group'], 'auto.offset.reset': a['reset'],
              'enable.auto.commit': False, 'enable.partition.eof': True})
out = {'committed': c.committed([TopicPartition(a['topic'], 0)], timeout=30)[0].offset,
       'before_eof': [], 'after_eof': [], 'errors': [], 'eof_offset': None}
c.subscribe([a['topic']])
phase = 'before_eof'
deadline = time.time() + 60
while time.time() < deadline:
    m = c.poll(0.5)
    if m is None: continue
    if m.error():
        if m.error().code() != KafkaError._PARTITION_EOF:
            out['errors'].append(m.error().name())
            continue
        if phase == 'before_eof':
            phase = 'after_eof'
            out['eof_offset'] = m.offset()
            if not a['produce']: break
            p = Producer({'bootstrap.servers': a['bootstrap'], 'acks': 'all'})
            for v in a['produce']: p.produce(a['topic'], key=b'new', value=v.encode(), partition=0)
            if p.flush(30) != 0: raise SystemExit('produce failed')
        elif len(out['after_eof']) >= len(a['produce']):
            break
        continue
    out[phase].append([m.offset(), m.value().decode()])
c.close()
print(json.dumps(out))
`

interface Consumed {
  committed: number
  before_eof: [number, string][]
  after_eof: [number, string][]
  errors: string[]
  eof_offset: number | null
}

const valueAt = (offset: number): string => `record-${offset}-${'x'.repeat(100)}`

describe('auto.offset.reset after retention deleted segments (confluent-kafka-python)', {
  skip: pythonMissing('confluent_kafka') ?? false,
}, () => {
  let broker: EmbeddedBroker
  let c: WireClient
  let logStart = -1
  const logs = new LogWatch()

  before(async () => {
    broker = await startBroker({
      config: { 'log.retention.check.interval.ms': '100', 'log.initial.task.delay.ms': '0' },
      logger: createLogger({ level: 'info', destination: logs.sink }),
    })
    c = await WireClient.connect(broker.port)
    const created = await c.createTopic(TOPIC_NAME, 1, { configs: { 'segment.bytes': '1024' } })
    assert.equal(created.topics[0]?.errorCode, ErrorCode.NONE)
    for (let b = 0; b < BATCHES; b++) {
      const batch = encodeRecordBatch({
        records: Array.from({ length: PER_BATCH }, (_, i) => ({
          key: Buffer.from(`k${(b * PER_BATCH + i) % 7}`),
          value: Buffer.from(valueAt(b * PER_BATCH + i)),
          timestamp: Date.now(),
        })),
      })
      const res = await c.produce(TOPIC_NAME, 0, batch)
      assert.equal(res.errorCode, ErrorCode.NONE)
      assert.equal(res.baseOffset, b * PER_BATCH)
    }
  })
  after(async () => {
    c?.close()
    await broker?.close()
  })

  it('groups commit offset 0 while every record is still there', { timeout: 60_000 }, async () => {
    const committed = await runPython<Record<string, number>>(COMMIT, {
      bootstrap: broker.bootstrap,
      topic: TOPIC_NAME,
      groups: ['below-start-earliest', 'below-start-latest'],
      offset: 0,
    })
    assert.deepEqual(committed, { 'below-start-earliest': 0, 'below-start-latest': 0 })
  })

  it('retention.bytes set live: the retention pass deletes the oldest segments and advances the log start offset', {
    timeout: 60_000,
  }, async () => {
    const deleted = logs.until(
      (l) =>
        l['msg'] === 'deleting log segments' && l['topic'] === TOPIC_NAME && l['reason'] === 'retention size breach',
    )
    const altered = await incrementalAlterConfigs(c, 1, TOPIC, TOPIC_NAME, [['retention.bytes', Op.Set, '4096']])
    assert.equal(altered.errorCode, ErrorCode.NONE)
    await deleted
    const p = (await c.fetch(TOPIC_NAME, 0, RECORDS - 1)).responses[0]!.partitions[0]!
    logStart = p.logStartOffset
    assert.ok(logStart > 0 && logStart < RECORDS, `log start offset ${logStart} of ${RECORDS}`)
    assert.equal(p.highWatermark, RECORDS)
    const below = (await c.fetch(TOPIC_NAME, 0, 0)).responses[0]!.partitions[0]!
    assert.equal(below.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE, 'a fetch below the log start offset')
  })

  for (const group of ['below-start-earliest', 'new-group-earliest']) {
    it(`${group}: auto.offset.reset=earliest resumes at the first remaining record and reads the rest`, {
      timeout: 90_000,
    }, async () => {
      assert.ok(logStart > 0, 'retention advanced the log start offset')
      const out = await runPython<Consumed>(CONSUME, {
        bootstrap: broker.bootstrap,
        topic: TOPIC_NAME,
        group,
        reset: 'earliest',
        produce: [],
      })
      assert.equal(out.committed, group.startsWith('below') ? 0 : -1001, 'committed offset (-1001: none)')
      assert.deepEqual(out.errors, [])
      assert.equal(out.eof_offset, RECORDS)
      assert.deepEqual(
        out.before_eof,
        Array.from({ length: RECORDS - logStart }, (_, i) => [logStart + i, valueAt(logStart + i)]),
      )
    })
  }

  it('below-start-latest: auto.offset.reset=latest skips to the end and reads only records written after', {
    timeout: 90_000,
  }, async () => {
    assert.ok(logStart > 0, 'retention advanced the log start offset')
    const fresh = ['new-0', 'new-1', 'new-2']
    const out = await runPython<Consumed>(CONSUME, {
      bootstrap: broker.bootstrap,
      topic: TOPIC_NAME,
      group: 'below-start-latest',
      reset: 'latest',
      produce: fresh,
    })
    assert.equal(out.committed, 0)
    assert.deepEqual(out.errors, [])
    assert.deepEqual(out.before_eof, [], 'nothing old is read')
    assert.equal(out.eof_offset, RECORDS)
    assert.deepEqual(
      out.after_eof,
      fresh.map((v, i) => [RECORDS + i, v]),
    )
  })
})
