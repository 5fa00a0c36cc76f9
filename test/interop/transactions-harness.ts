/**
 * Shared pieces of the transaction and idempotence interop tests: loading kafkajs, read_committed
 * consumers of both clients that read a topic up to an END record on every partition, and the raw log.
 *
 * Values say what they are: `c|...` committed transactional records, `a|...` records of aborted (or
 * fenced) transactions, `n|...` plain records, `END|<partition>` the last record of a partition. A
 * read_committed consumer must see exactly the raw log minus `a|` records and control records, in
 * offset order; reading up to END (written last, outside any transaction) proves nothing was held back.
 */
import assert from 'node:assert/strict'
import type * as KafkaJs from 'kafkajs'
import { ApiKey } from '../../src/protocol/generated/api-message-types.ts'
import { decodeOffsetFetchResponse, encodeOffsetFetchRequest } from '../../src/protocol/generated/offset-fetch.ts'
import { loadKafkajs, PYTHON, pythonMissing, run } from '../helpers/interop.ts'
import { readPartition, WireClient } from '../helpers/kafka-wire.ts'

export const kafkajs = loadKafkajs()
export const kafkajsMissing = kafkajs === null ? 'kafkajs not installed' : null
export const confluentMissing = pythonMissing('confluent_kafka')

export function kafka(bootstrap: string, clientId: string, retries = 20): KafkaJs.Kafka {
  assert.ok(kafkajs !== null)
  return new kafkajs.Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries, initialRetryTime: 50, maxRetryTime: retries > 5 ? 1000 : 200 },
  })
}

export interface Consumed {
  partition: number
  offset: number
  value: string
}

/** Writes END|<p> to every partition (plain, acks=all) with kafkajs. */
export async function writeEnd(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const producer = kafka(bootstrap, 'end-writer').producer({ allowAutoTopicCreation: false })
  await producer.connect()
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: partitions }, (_, p) => ({ partition: p, value: `END|${p}` })),
    })
  } finally {
    await producer.disconnect()
  }
}

let groups = 0

/** A kafkajs consumer (read_committed, its default) reads every partition from the start up to END. */
export async function kafkajsReadCommitted(bootstrap: string, topic: string, partitions: number): Promise<Consumed[]> {
  const consumer = kafka(bootstrap, 'committed-reader').consumer({
    groupId: `committed-reader-${topic}-${process.pid}-${++groups}`,
    readUncommitted: false,
    maxWaitTimeInMs: 200,
  })
  await consumer.connect()
  const out: Consumed[] = []
  const ended = new Set<number>()
  try {
    await consumer.subscribe({ topic, fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const value = message.value?.toString() ?? ''
            if (value.startsWith('END|')) ended.add(partition)
            else out.push({ partition, offset: Number(message.offset), value })
            if (ended.size === partitions) resolve()
          },
        })
        .catch(reject)
    })
  } finally {
    await consumer.disconnect()
  }
  return out
}

const PY_READ_COMMITTED = `
import json, sys, time
from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING
a = json.load(sys.stdin)
c = Consumer({'bootstrap.servers': a['bootstrap'], 'group.id': 'committed-reader-py', 'enable.auto.commit': False,
              'isolation.level': 'read_committed', 'fetch.wait.max.ms': 200})
c.assign([TopicPartition(a['topic'], p, OFFSET_BEGINNING) for p in range(a['partitions'])])
out, ended = [], set()
deadline = time.time() + 120
while len(ended) < a['partitions'] and time.time() < deadline:
    m = c.poll(0.5)
    if m is None or m.error(): continue
    v = m.value().decode()
    if v.startswith('END|'): ended.add(m.partition())
    else: out.append({'partition': m.partition(), 'offset': m.offset(), 'value': v})
c.close()
if len(ended) < a['partitions']: raise SystemExit('END not reached on every partition: %r' % sorted(ended))
print(json.dumps(out))
`

/** A confluent-kafka (librdkafka) consumer, isolation.level=read_committed, reads up to END. */
export function pythonReadCommitted(bootstrap: string, topic: string, partitions: number): Promise<Consumed[]> {
  return runPythonJson<Consumed[]>(PY_READ_COMMITTED, { bootstrap, topic, partitions })
}

/** Runs an inline Python script with `args` as JSON on stdin; it prints one JSON document last. */
export async function runPythonJson<T>(script: string, args: unknown, timeoutMs = 180_000): Promise<T> {
  const { stdout } = await run(PYTHON, ['-c', script], JSON.stringify(args), timeoutMs)
  const lines = stdout.trim().split('\n')
  return JSON.parse(lines.at(-1)!) as T
}

/** Per partition, the values a read_committed reader must see: the raw log without aborted and control records. */
export async function expectedCommitted(
  port: number,
  topic: string,
  partitions: number,
): Promise<{ expected: Map<number, string[]>; aborted: number }> {
  const expected = new Map<number, string[]>()
  let aborted = 0
  for (let p = 0; p < partitions; p++) {
    const { records } = await readPartition(port, topic, p)
    const values = records.map((r) => r.value ?? '').filter((v) => /^(c|n|a|END)\|/.test(v))
    aborted += values.filter((v) => v.startsWith('a|')).length
    expected.set(
      p,
      values.filter((v) => v.startsWith('c|') || v.startsWith('n|')),
    )
  }
  return { expected, aborted }
}

/** Checks a reader's records: per partition exactly the expected values, in offset order, no `a|` record. */
export function assertCommitted(label: string, consumed: readonly Consumed[], expected: Map<number, string[]>): void {
  for (const r of consumed) assert.ok(!r.value.startsWith('a|'), `${label}: read an aborted record ${r.value}`)
  for (const [p, values] of expected) {
    const got = consumed.filter((r) => r.partition === p)
    for (let i = 1; i < got.length; i++)
      assert.ok(got[i]!.offset > got[i - 1]!.offset, `${label}: partition ${p} in offset order`)
    assert.deepEqual(
      got.map((r) => r.value),
      values,
      `${label}: partition ${p} holds exactly the committed records`,
    )
  }
}

/** UNSTABLE_OFFSET_COMMIT: transactional offsets of the group wait for their marker. */
const UNSTABLE_OFFSET_COMMIT = 88

/**
 * The group's committed offsets of `topic` partitions 0..partitions-1 (-1 = none), by OffsetFetch v7 with
 * require_stable: partitions with transactional offsets still pending are asked again until their
 * transaction's marker decided them, so the answer is what the group has once every transaction ended.
 */
export async function stableCommittedOffsets(
  port: number,
  groupId: string,
  topic: string,
  partitions: number,
): Promise<number[]> {
  const client = await WireClient.connect(port)
  try {
    for (let attempt = 0; ; attempt++) {
      const r = await client.request(
        ApiKey.OffsetFetch,
        7,
        (w) =>
          encodeOffsetFetchRequest(w, 7, {
            groupId,
            topics: [{ name: topic, partitionIndexes: Array.from({ length: partitions }, (_, p) => p) }],
            groups: [],
            requireStable: true,
          }),
        decodeOffsetFetchResponse,
      )
      assert.equal(r.errorCode, 0, `OffsetFetch of ${groupId}`)
      const ps = r.topics[0]?.partitions ?? []
      if (ps.every((p) => p.errorCode !== UNSTABLE_OFFSET_COMMIT)) {
        for (const p of ps) assert.equal(p.errorCode, 0, `OffsetFetch of ${groupId} ${topic}-${p.partitionIndex}`)
        return Array.from(
          { length: partitions },
          (_, i) => ps.find((p) => p.partitionIndex === i)?.committedOffset ?? -1,
        )
      }
      assert.ok(attempt < 500, 'the offsets became stable')
      await new Promise<void>((resolve) => setTimeout(resolve, 20))
    }
  } finally {
    client.close()
  }
}
