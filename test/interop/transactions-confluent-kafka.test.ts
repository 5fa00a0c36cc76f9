/**
 * confluent-kafka-python 1.7.0 on librdkafka 2.0.2 transactions against a broker process
 * (InitProducerId v4 flexible, AddPartitionsToTxn 0, AddOffsetsToTxn 0, EndTxn 1, TxnOffsetCommit 3):
 * commits and aborts interleaved with plain writes, a zombie fenced by a second producer with the same
 * transactional id, and consume-transform-produce with send_offsets_to_transaction (one transaction
 * aborted and redone after seeking back; the group's committed offsets do not move across the abort). Read back by read_committed consumers of confluent-kafka and of
 * kafkajs: exactly the committed records, in order, never an aborted one.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BrokerProcess } from '../helpers/broker-process.ts'
import {
  assertCommitted,
  confluentMissing,
  expectedCommitted,
  kafkajsMissing,
  kafkajsReadCommitted,
  pythonReadCommitted,
  runPythonJson,
  writeEnd,
} from './transactions-harness.ts'

const PARTITIONS = 3

const CREATE = `
import json, sys
from confluent_kafka.admin import AdminClient, NewTopic
a = json.load(sys.stdin)
admin = AdminClient({'bootstrap.servers': a['bootstrap']})
for t, f in admin.create_topics([NewTopic(t, a['partitions'], 1) for t in a['topics']], operation_timeout=30).items():
    f.result(timeout=60)
print(json.dumps({'ok': True}))
`

const COMMIT_ABORT = `
import json, sys
from confluent_kafka import Producer
a = json.load(sys.stdin)
t = a['topic']
p = Producer({'bootstrap.servers': a['bootstrap'], 'transactional.id': 'ck-commit-abort', 'linger.ms': 5})
plain = Producer({'bootstrap.servers': a['bootstrap'], 'acks': 'all', 'enable.idempotence': True})
p.init_transactions(30)
for n in range(24):
    abort = n % 3 == 1
    p.begin_transaction()
    for i in range(6):
        p.produce(t, partition=(n + i) % 3, value=('%s|t%d|%d' % ('a' if abort else 'c', n, i)).encode())
    plain.produce(t, partition=n % 3, value=('n|%d' % n).encode())
    if plain.flush(30): raise SystemExit('plain flush failed')
    if abort:
        p.flush(30)
        p.abort_transaction(30)
    else:
        p.commit_transaction(30)
print(json.dumps({'ok': True}))
`

const ZOMBIE = `
import json, sys
from confluent_kafka import Producer, KafkaException
a = json.load(sys.stdin)
t = a['topic']
zombie = Producer({'bootstrap.servers': a['bootstrap'], 'transactional.id': 'ck-zombie'})
zombie.init_transactions(30)
zombie.begin_transaction()
zombie.produce(t, partition=0, value=b'a|zombie|0')
zombie.flush(30)
successor = Producer({'bootstrap.servers': a['bootstrap'], 'transactional.id': 'ck-zombie'})
successor.init_transactions(30)
errors = []
try:
    zombie.produce(t, partition=1, value=b'a|zombie|1')
    zombie.flush(10)
    zombie.commit_transaction(30)
except KafkaException as e:
    errors.append({'fatal': e.args[0].fatal(), 'name': e.args[0].name(), 'str': e.args[0].str()})
successor.begin_transaction()
successor.produce(t, partition=0, value=b'c|successor|0')
successor.commit_transaction(30)
print(json.dumps({'errors': errors}))
`

const CTP = `
import json, sys
from confluent_kafka import Producer, Consumer, TopicPartition
a = json.load(sys.stdin)
src, dst, total = a['input'], a['output'], a['total']
seed = Producer({'bootstrap.servers': a['bootstrap'], 'acks': 'all'})
for i in range(total):
    seed.produce(src, partition=i % 3, value=('in|%d' % i).encode())
if seed.flush(30): raise SystemExit('seed flush failed')
p = Producer({'bootstrap.servers': a['bootstrap'], 'transactional.id': 'ck-ctp'})
p.init_transactions(30)
c = Consumer({'bootstrap.servers': a['bootstrap'], 'group.id': a['group'], 'enable.auto.commit': False,
              'auto.offset.reset': 'earliest', 'isolation.level': 'read_committed'})
c.subscribe([src])
processed, batches, aborted = 0, 0, False
around = None
def committed_offsets():
    # librdkafka asks with require_stable (read_committed): pending transactional offsets wait for their marker.
    return [x.offset for x in c.committed([TopicPartition(src, i) for i in range(3)], timeout=30)]
while processed < total:
    msgs = [m for m in c.consume(num_messages=40, timeout=1.0) if m.error() is None]
    if not msgs: continue
    batches += 1
    def transform(tag):
        p.begin_transaction()
        for m in msgs:
            p.produce(dst, partition=m.partition(), value=('%s|%s' % (tag, m.value().decode()[3:])).encode())
        p.send_offsets_to_transaction(c.position(c.assignment()), c.consumer_group_metadata(), 30)
    if batches == 2 and not aborted:
        aborted = True
        before = committed_offsets()
        transform('a')
        p.flush(30)
        p.abort_transaction(30)
        around = {'before': before, 'after': committed_offsets(),
                  'aborted': sorted([[tp.partition, tp.offset] for tp in c.position(c.assignment())])}
        firsts = {}
        for m in msgs: firsts.setdefault(m.partition(), m.offset())
        for part, off in firsts.items(): c.seek(TopicPartition(src, part, off))
        continue
    transform('c')
    p.commit_transaction(30)
    processed += len(msgs)
committed = c.committed([TopicPartition(src, i) for i in range(3)], timeout=30)
c.close()
print(json.dumps({'processed': processed, 'aborted': aborted, 'around': around,
                  'committed': sorted([[x.partition, x.offset] for x in committed])}))
`

describe('confluent-kafka transactions', { skip: confluentMissing ?? false }, () => {
  let broker: BrokerProcess
  before(async () => {
    broker = await BrokerProcess.start({ overrides: { 'transaction.state.log.num.partitions': '5' } })
  })
  after(async () => {
    await broker?.close()
  })

  const create = (...topics: string[]) =>
    runPythonJson(CREATE, { bootstrap: broker.bootstrap, topics, partitions: PARTITIONS })

  async function checkReaders(topic: string, expectAborted = true): Promise<Map<number, string[]>> {
    await writeEnd(broker.bootstrap, topic, PARTITIONS)
    const { expected, aborted } = await expectedCommitted(broker.port, topic, PARTITIONS)
    if (expectAborted) assert.ok(aborted > 0, 'the log holds aborted records, so the readers had something to skip')
    assertCommitted('confluent-kafka reader', await pythonReadCommitted(broker.bootstrap, topic, PARTITIONS), expected)
    if (kafkajsMissing === null)
      assertCommitted('kafkajs reader', await kafkajsReadCommitted(broker.bootstrap, topic, PARTITIONS), expected)
    return expected
  }

  it('commits and aborts transactions between plain writes; both read_committed readers see exactly the commits', async () => {
    const topic = 'txn-ck-commit-abort'
    await create(topic)
    await runPythonJson(COMMIT_ABORT, { bootstrap: broker.bootstrap, topic })
    const expected = await checkReaders(topic)
    assert.equal([...expected.values()].flat().length, 16 * 6 + 24)
  })

  it('fences a zombie: the successor initializes the same transactional id, the zombie cannot commit', async () => {
    const topic = 'txn-ck-zombie'
    await create(topic)
    const r = await runPythonJson<{ errors: { fatal: boolean; name: string; str: string }[] }>(ZOMBIE, {
      bootstrap: broker.bootstrap,
      topic,
    })
    assert.equal(r.errors.length, 1, 'the zombie failed')
    assert.match(`${r.errors[0]!.name} ${r.errors[0]!.str}`, /FENCED|EPOCH/i)
    const expected = await checkReaders(topic)
    assert.deepEqual([...expected.values()].flat(), ['c|successor|0'])
  })

  it('consume-transform-produce with send_offsets_to_transaction; an aborted batch is redone once', async () => {
    const total = 300
    await create('txn-ck-ctp-in', 'txn-ck-ctp-out')
    const r = await runPythonJson<{
      processed: number
      aborted: boolean
      around: { before: number[]; after: number[]; aborted: [number, number][] }
      committed: [number, number][]
    }>(CTP, {
      bootstrap: broker.bootstrap,
      input: 'txn-ck-ctp-in',
      output: 'txn-ck-ctp-out',
      group: 'ck-ctp-group',
      total,
    })
    assert.deepEqual([r.processed, r.aborted], [total, true])
    // librdkafka reports "no offset" as -1001 (OFFSET_INVALID).
    const { before, after, aborted } = r.around
    assert.ok(
      aborted.some(([p, offset]) => before[p] !== offset),
      'the aborted transaction carried offsets other than the committed ones',
    )
    assert.deepEqual(after, before, 'the aborted transaction moved no committed offset')
    assert.deepEqual(
      r.committed,
      [0, 1, 2].map((p) => [p, total / PARTITIONS]),
      'the group committed the end of every input partition',
    )
    const expected = await checkReaders('txn-ck-ctp-out')
    assert.deepEqual(
      [...expected.values()]
        .flat()
        .map((v) => Number(v.split('|')[1]))
        .sort((a, b) => a - b),
      Array.from({ length: total }, (_, i) => i),
      'every input transformed exactly once',
    )
  })

  it('wrote no error-level log lines', () => {
    const errors = broker.logLines.filter((l) => typeof l['level'] === 'number' && l['level'] >= 50)
    assert.deepEqual(errors, [])
  })
})
