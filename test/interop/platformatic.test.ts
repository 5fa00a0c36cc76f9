/**
 * @platformatic/kafka (1.35.0, the last release for Node 20): a modern pure-JavaScript client that
 * picks the highest versions the broker advertises (Produce v11, Fetch v17 by topic id, Metadata v12,
 * InitProducerId v5) and speaks the next-generation consumer protocol (KIP-848) when asked.
 *
 * - its admin creates the topic, its idempotent producer writes keyed records with headers;
 * - a KIP-848 group (groupProtocol 'consumer'): the first member gets every partition from the server-side
 *   assignor and commits each record; a second member joins and the uniform assignor splits the
 *   partitions between them (as `samsa groups describe` also shows), the moved ones starting at the
 *   committed offsets; the records produced next reach exactly one member each. Across the group every record arrives exactly once, with its
 *   key, value and headers, in order per key.
 * - the same with groupRemoteAssignor 'range' on 5 partitions: each member gets one contiguous range, the
 *   member with the lower member id the lower partitions and the extra one (Kafka's server-side range
 *   assignor), and every record again arrives exactly once.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type * as Platformatic from '@platformatic/kafka'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { runSamsa } from '../helpers/samsa-cli.ts'

const platformatic = await import('@platformatic/kafka').catch(() => null)
const missing = platformatic === null ? '@platformatic/kafka not installed' : null
if (missing !== null) console.warn(`SKIPPED: ${missing}`)

const TOPIC = 'platformatic-events'
const PARTITIONS = 4
const KEYS = 40
const PER_PHASE = 1000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function waitUntil(what: string, done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now()
  while (!done()) {
    if (Date.now() - start > timeoutMs) assert.fail(`timed out waiting until ${what}`)
    await sleep(50)
  }
}

interface Received {
  member: string
  key: string
  value: string
  headers: Record<string, string>
  partition: number
  offset: bigint
}

describe('@platformatic/kafka', { skip: missing ?? false }, () => {
  let broker: EmbeddedBroker
  let pk: typeof Platformatic
  before(async () => {
    pk = platformatic!
    broker = await startBroker({ config: { 'offsets.topic.num.partitions': '3' } })
  })
  after(async () => {
    await broker?.close()
  })

  it('produces idempotently and consumes in a KIP-848 group: every record once across a rebalance', {
    timeout: 120_000,
  }, async () => {
    const bootstrapBrokers = [broker.bootstrap]
    const admin = new pk.Admin({ clientId: 'samsa-admin', bootstrapBrokers })
    await admin.createTopics({ topics: [TOPIC], partitions: PARTITIONS, replicas: 1 })
    await admin.close()

    const producer = new pk.Producer({
      clientId: 'samsa-producer',
      bootstrapBrokers,
      serializers: pk.stringSerializers,
      idempotent: true,
    })
    const produce = async (from: number, to: number) => {
      for (let start = from; start < to; start += 100) {
        const messages = Array.from({ length: Math.min(100, to - start) }, (_, i) => {
          const n = start + i
          return {
            topic: TOPIC,
            key: `k${n % KEYS}`,
            value: `v${n}`,
            headers: { n: String(n), source: 'platformatic' },
          }
        })
        await producer.send({ messages })
      }
    }
    await produce(0, PER_PHASE)

    const received: Received[] = []
    const commitErrors: string[] = []
    const members: Platformatic.Consumer<string, string, string, string>[] = []
    const join = async (member: string) => {
      const consumer = new pk.Consumer({
        groupId: 'platformatic-848',
        clientId: member,
        bootstrapBrokers,
        deserializers: pk.stringDeserializers,
        groupProtocol: 'consumer',
        maxWaitTime: 200,
      })
      const stream = await consumer.consume({
        topics: [TOPIC],
        mode: 'committed',
        fallbackMode: 'earliest',
        autocommit: false,
      })
      stream.on('data', async (m: Platformatic.Message<string, string, string, string>) => {
        received.push({
          member,
          key: m.key,
          value: m.value,
          headers: Object.fromEntries(m.headers),
          partition: m.partition,
          offset: m.offset,
        })
        await Promise.resolve(m.commit()).catch((err: unknown) => commitErrors.push(`${member}: ${String(err)}`))
      })
      members.push(consumer)
      return consumer
    }
    try {
      const first = await join('member-1')
      await waitUntil('the first member read the first phase', () => received.length >= PER_PHASE)
      assert.deepEqual(
        first.assignments,
        [{ topic: TOPIC, partitions: [0, 1, 2, 3] }],
        'one member owns every partition',
      )
      await sleep(500) // the last commits

      const second = await join('member-2')
      await waitUntil('the uniform assignor gave the second member its share', () => {
        const a = first.assignments?.[0]?.partitions.length ?? 0
        const b = second.assignments?.[0]?.partitions.length ?? 0
        return a === 2 && b === 2
      })
      const owned = [...first.assignments![0]!.partitions, ...second.assignments![0]!.partitions].sort()
      assert.deepEqual(owned, [0, 1, 2, 3], 'the two members own disjoint halves')
      // `samsa groups describe` shows a KIP-848 group (ConsumerGroupDescribe) as the members see it.
      const cli = await runSamsa([
        'groups',
        'describe',
        'platformatic-848',
        '--members',
        '--json',
        '-b',
        broker.bootstrap,
      ])
      assert.equal(cli.code, 0, cli.stderr)
      const described = JSON.parse(cli.stdout) as {
        state: string
        protocolType: string
        protocol: string
        members: { clientId: string; assignment: { topic: string; partitions: number[] }[] }[]
      }
      assert.deepEqual([described.state, described.protocolType, described.protocol], ['Stable', 'consumer', 'uniform'])
      assert.deepEqual(described.members.map((m) => [m.clientId, m.assignment]).sort(), [
        ['member-1', first.assignments],
        ['member-2', second.assignments],
      ])

      await produce(PER_PHASE, 2 * PER_PHASE)
      await producer.close()
      await waitUntil('the group read the second phase', () => received.length >= 2 * PER_PHASE)
      await sleep(1000) // anything read twice would arrive by now

      assert.deepEqual(commitErrors, [], 'the broker accepted every commit')
      const values = received.map((r) => r.value)
      assert.equal(new Set(values).size, values.length, 'no record arrives twice')
      assert.equal(values.length, 2 * PER_PHASE, 'every record arrives')
      for (const r of received) {
        const n = Number(r.value.slice(1))
        assert.equal(r.key, `k${n % KEYS}`)
        assert.deepEqual(r.headers, { n: String(n), source: 'platformatic' })
      }
      const secondPhase = received.filter((r) => Number(r.value.slice(1)) >= PER_PHASE)
      for (const member of ['member-1', 'member-2']) {
        assert.ok(
          secondPhase.some((r) => r.member === member),
          `${member} read part of the second phase`,
        )
      }
      for (const r of secondPhase) {
        const owner = r.member === 'member-1' ? first : second
        assert.ok(owner.assignments?.[0]?.partitions.includes(r.partition), `${r.value} read by its partition's owner`)
      }
      const byKey = new Map<string, number[]>()
      for (const r of received) {
        const list = byKey.get(r.key) ?? []
        list.push(Number(r.value.slice(1)))
        byKey.set(r.key, list)
      }
      for (const [key, ns] of byKey) {
        assert.deepEqual(
          ns,
          [...ns].sort((a, b) => a - b),
          `${key}: in order`,
        )
      }
    } finally {
      for (const m of members) await m.close(true)
    }
  })

  it('a KIP-848 group with the server-side range assignor: contiguous ranges by member id, every record once', {
    timeout: 120_000,
  }, async () => {
    const topic = 'platformatic-range'
    const bootstrapBrokers = [broker.bootstrap]
    const admin = new pk.Admin({ clientId: 'samsa-admin', bootstrapBrokers })
    await admin.createTopics({ topics: [topic], partitions: 5, replicas: 1 })
    await admin.close()
    const producer = new pk.Producer({
      clientId: 'range-producer',
      bootstrapBrokers,
      serializers: pk.stringSerializers,
    })
    const produce = async (from: number, to: number) => {
      const messages = Array.from({ length: to - from }, (_, i) => ({
        topic,
        key: `k${(from + i) % KEYS}`,
        value: `v${from + i}`,
      }))
      await producer.send({ messages })
    }
    await produce(0, 500)
    const received: { member: string; value: string; partition: number }[] = []
    const commitErrors: string[] = []
    const members: Platformatic.Consumer<string, string, string, string>[] = []
    const join = async (member: string) => {
      const consumer = new pk.Consumer({
        groupId: 'platformatic-range',
        clientId: member,
        bootstrapBrokers,
        deserializers: pk.stringDeserializers,
        groupProtocol: 'consumer',
        groupRemoteAssignor: 'range',
        maxWaitTime: 200,
      })
      const stream = await consumer.consume({
        topics: [topic],
        mode: 'committed',
        fallbackMode: 'earliest',
        autocommit: false,
      })
      stream.on('data', async (m: Platformatic.Message<string, string, string, string>) => {
        received.push({ member, value: m.value, partition: m.partition })
        await Promise.resolve(m.commit()).catch((err: unknown) => commitErrors.push(`${member}: ${String(err)}`))
      })
      members.push(consumer)
      return consumer
    }
    try {
      const first = await join('range-1')
      await waitUntil('the first member read the first phase', () => received.length >= 500)
      assert.deepEqual(first.assignments, [{ topic, partitions: [0, 1, 2, 3, 4] }])
      await sleep(500) // the last commits
      const second = await join('range-2')
      const partitionsOf = (c: Platformatic.Consumer<string, string, string, string>) =>
        [...(c.assignments?.[0]?.partitions ?? [])].sort((a, b) => a - b)
      await waitUntil('the range assignor split the partitions', () => {
        const a = partitionsOf(first).length
        const b = partitionsOf(second).length
        return a + b === 5 && a > 0 && b > 0
      })
      const [low, high] = [first, second].sort((x, y) => (x.memberId! < y.memberId! ? -1 : 1))
      assert.deepEqual(
        partitionsOf(low!),
        [0, 1, 2],
        'the lower member id gets the first range and the extra partition',
      )
      assert.deepEqual(partitionsOf(high!), [3, 4])
      const cli = await runSamsa([
        'groups',
        'describe',
        'platformatic-range',
        '--members',
        '--json',
        '-b',
        broker.bootstrap,
      ])
      assert.equal(cli.code, 0, cli.stderr)
      assert.equal((JSON.parse(cli.stdout) as { protocol: string }).protocol, 'range')

      await produce(500, 1000)
      await producer.close()
      await waitUntil('the group read the second phase', () => received.length >= 1000)
      await sleep(1000) // anything read twice would arrive by now
      assert.deepEqual(commitErrors, [], 'the broker accepted every commit')
      const values = received.map((r) => r.value)
      assert.equal(new Set(values).size, values.length, 'no record arrives twice')
      assert.equal(values.length, 1000, 'every record arrives')
      for (const r of received.filter((x) => Number(x.value.slice(1)) >= 500)) {
        const owner = r.member === 'range-1' ? first : second
        assert.ok(partitionsOf(owner).includes(r.partition), `${r.value} read by its partition's owner`)
      }
    } finally {
      for (const m of members) await m.close(true)
    }
  })
})
