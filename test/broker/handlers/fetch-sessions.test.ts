/**
 * Incremental fetch sessions (KIP-227) over the wire, by topic name (Fetch v7, v12) and by topic id
 * (v13, v17): a full fetch with epoch 0 opens a session; incremental fetches name only what changed and
 * get only partitions with news; partitions are added and forgotten; wrong epochs, unknown ids and a
 * change of topic naming are refused with Kafka's codes; epoch -1 closes a session; an incremental fetch
 * long-polls like any other; and a full cache (max.incremental.fetch.session.cache.slots) answers
 * without a session instead of evicting a session in use.
 */
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import type { FetchResponse } from '../../../src/protocol/generated/fetch.ts'
import { decodeRecordBatches, encodeRecordBatch } from '../../../src/protocol/records/records.ts'
import { type EmbeddedBroker, startBroker } from '../../../src/server/embed.ts'
import { type FetchOptions, type FetchPartitionSpec, WireClient } from '../../helpers/kafka-wire.ts'

function batch(tag: string): Buffer {
  return encodeRecordBatch({
    records: [{ key: Buffer.from(tag), value: Buffer.from(`value of ${tag}`), timestamp: Date.now() }],
  })
}

/** Each partition in a response as "topic-partition": { error, high watermark, keys of its records }. */
function summary(res: FetchResponse, names: Map<string, string>): Record<string, [number, number, string[]]> {
  const out: Record<string, [number, number, string[]]> = {}
  for (const t of res.responses) {
    const topic = t.topic !== '' ? t.topic : (names.get(t.topicId) ?? t.topicId)
    for (const p of t.partitions) {
      const keys = decodeRecordBatches(p.records ?? Buffer.alloc(0)).flatMap((b) =>
        b.records.map((r) => r.key!.toString()),
      )
      out[`${topic}-${p.partitionIndex}`] = [p.errorCode, p.highWatermark, keys]
    }
  }
  return out
}

for (const version of [7, 12, 13, 17]) {
  const byId = version >= 13
  describe(`fetch sessions, Fetch v${version} (topics by ${byId ? 'id' : 'name'})`, () => {
    let broker: EmbeddedBroker
    let admin: WireClient
    const ids = new Map<string, string>()
    const names = new Map<string, string>()
    const T = `sessions-v${version}`
    const OTHER = `other-v${version}`

    before(async () => {
      broker = await startBroker()
      admin = await WireClient.connect(broker.port)
      assert.equal((await admin.createTopic(T, 3)).topics[0]?.errorCode, ErrorCode.NONE)
      assert.equal((await admin.createTopic(OTHER, 1)).topics[0]?.errorCode, ErrorCode.NONE)
      for (const t of (await admin.metadata([T, OTHER])).topics) {
        ids.set(t.name!, t.topicId)
        names.set(t.topicId, t.name!)
      }
      await produce(T, 0, 'first')
    })
    after(async () => {
      admin?.close()
      await broker?.close()
    })

    async function produce(topic: string, partition: number, tag: string): Promise<void> {
      assert.equal((await admin.produce(topic, partition, batch(tag), { acks: -1 })).errorCode, ErrorCode.NONE)
    }

    const part = (topic: string, partition: number, fetchOffset: number): FetchPartitionSpec =>
      byId ? { topicId: ids.get(topic)!, partition, fetchOffset } : { topic, partition, fetchOffset }
    const forget = (topic: string, partitions: number[]) =>
      byId ? { topicId: ids.get(topic)!, partitions } : { topic, partitions }

    /** A client with its own session; `next` sends an incremental fetch at the session's epoch. */
    async function openSession(offsets: [number, number, number] = [0, 0, 0]) {
      const c = await WireClient.connect(broker.port)
      const res = await c.fetchPartitions({
        version,
        sessionId: 0,
        sessionEpoch: 0,
        partitions: offsets.map((o, p) => part(T, p, o)),
      })
      assert.equal(res.errorCode, ErrorCode.NONE)
      assert.notEqual(res.sessionId, 0, 'a session was created')
      const session = { client: c, id: res.sessionId, epoch: 1, first: res }
      const next = async (o: Omit<FetchOptions, 'partitions'> & { partitions?: FetchPartitionSpec[] } = {}) => {
        const r = await c.fetchPartitions({
          version,
          sessionId: session.id,
          sessionEpoch: session.epoch,
          partitions: [],
          ...o,
        })
        if (r.errorCode === ErrorCode.NONE) session.epoch++
        return r
      }
      return { ...session, next, session }
    }

    it('epoch 0 opens a session: a non-zero id and every partition in the response', async () => {
      const s = await openSession()
      assert.deepEqual(summary(s.first, names), {
        [`${T}-0`]: [ErrorCode.NONE, 1, ['first']],
        [`${T}-1`]: [ErrorCode.NONE, 0, []],
        [`${T}-2`]: [ErrorCode.NONE, 0, []],
      })
      s.client.close()
    })

    it('incremental fetches omit unchanged partitions and return those with new data', async () => {
      const s = await openSession([1, 0, 0])
      let res = await s.next()
      assert.equal(res.errorCode, ErrorCode.NONE)
      assert.equal(res.sessionId, s.id)
      assert.deepEqual(summary(res, names), {}, 'nothing changed')
      await produce(T, 1, 'second')
      res = await s.next()
      assert.deepEqual(summary(res, names), { [`${T}-1`]: [ErrorCode.NONE, 1, ['second']] })
      // The client moves its position: named with the new offset, the partition has no news.
      res = await s.next({ partitions: [part(T, 1, 1)] })
      assert.deepEqual(summary(res, names), {})
      await produce(T, 1, 'third')
      res = await s.next()
      assert.deepEqual(summary(res, names), { [`${T}-1`]: [ErrorCode.NONE, 2, ['third']] })
      s.client.close()
    })

    it('adds partitions named in an incremental fetch and drops forgotten ones', async () => {
      const s = await openSession([1, 2, 0])
      let res = await s.next({ partitions: [part(OTHER, 0, 0)], forgotten: [forget(T, [2])] })
      assert.deepEqual(summary(res, names), { [`${OTHER}-0`]: [ErrorCode.NONE, 0, []] }, 'the added partition')
      await produce(T, 2, 'p2')
      await produce(OTHER, 0, 'o0')
      res = await s.next()
      assert.deepEqual(summary(res, names), { [`${OTHER}-0`]: [ErrorCode.NONE, 1, ['o0']] }, 'not the forgotten one')
      s.client.close()
    })

    it('an error is sent every time and the partition is sent again once it clears', async () => {
      const s = await openSession([1, 2, 1])
      let res = await s.next({ partitions: [part(T, 0, 99)] })
      assert.deepEqual(summary(res, names), { [`${T}-0`]: [ErrorCode.OFFSET_OUT_OF_RANGE, -1, []] })
      res = await s.next()
      assert.deepEqual(summary(res, names), { [`${T}-0`]: [ErrorCode.OFFSET_OUT_OF_RANGE, -1, []] })
      res = await s.next({ partitions: [part(T, 0, 1)] })
      assert.deepEqual(summary(res, names), { [`${T}-0`]: [ErrorCode.NONE, 1, []] }, 'error cleared')
      res = await s.next()
      assert.deepEqual(summary(res, names), {})
      s.client.close()
    })

    it('a wrong epoch gets INVALID_FETCH_SESSION_EPOCH and leaves the session usable', async () => {
      const s = await openSession([1, 2, 1])
      assert.equal((await s.next()).errorCode, ErrorCode.NONE)
      // Ahead, behind (a duplicate of the last request), far off; epoch 0 and -1 are full requests.
      for (const epoch of [s.session.epoch + 1, s.session.epoch - 1, 1000]) {
        const res = await s.next({ sessionEpoch: epoch })
        assert.equal(res.errorCode, ErrorCode.INVALID_FETCH_SESSION_EPOCH, `epoch ${epoch}`)
        assert.equal(res.sessionId, 0)
        assert.deepEqual(res.responses, [])
      }
      const ok = await s.next()
      assert.equal(ok.errorCode, ErrorCode.NONE)
      assert.equal(ok.sessionId, s.id)
      s.client.close()
    })

    it('an unknown session id gets FETCH_SESSION_ID_NOT_FOUND, also id 0 with a positive epoch', async () => {
      const c = await WireClient.connect(broker.port)
      for (const sessionId of [123_456_789, 0]) {
        const res = await c.fetchPartitions({ version, sessionId, sessionEpoch: 1, partitions: [part(T, 0, 0)] })
        assert.equal(res.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND, `session ${sessionId}`)
        assert.deepEqual(res.responses, [])
      }
      c.close()
    })

    it('epoch -1 closes the session and answers the full request without one', async () => {
      const s = await openSession([1, 2, 1])
      const res = await s.next({ sessionEpoch: -1, partitions: [part(T, 0, 0)] })
      assert.equal(res.errorCode, ErrorCode.NONE)
      assert.equal(res.sessionId, 0)
      assert.deepEqual(summary(res, names), { [`${T}-0`]: [ErrorCode.NONE, 1, ['first']] })
      const after = await s.client.fetchPartitions({ version, sessionId: s.id, sessionEpoch: 2, partitions: [] })
      assert.equal(after.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
      s.client.close()
    })

    it('epoch 0 with a session id replaces that session by a new one', async () => {
      const s = await openSession([1, 2, 1])
      const res = await s.next({ sessionEpoch: 0, partitions: [part(T, 0, 1)] })
      assert.equal(res.errorCode, ErrorCode.NONE)
      assert.notEqual(res.sessionId, 0)
      assert.notEqual(res.sessionId, s.id)
      const old = await s.client.fetchPartitions({ version, sessionId: s.id, sessionEpoch: 2, partitions: [] })
      assert.equal(old.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
      s.client.close()
    })

    it('forgetting every partition closes the session', async () => {
      const s = await openSession([1, 2, 1])
      const res = await s.next({ forgotten: [forget(T, [0, 1, 2])] })
      assert.equal(res.errorCode, ErrorCode.NONE)
      assert.equal(res.sessionId, 0)
      const after = await s.next()
      assert.equal(after.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
      s.client.close()
    })

    it(`a session opened by v${version} refuses a request that names topics the other way`, async () => {
      const s = await openSession([1, 2, 1])
      const other = byId ? 12 : 13
      const res = await s.client.fetchPartitions({
        version: other,
        sessionId: s.id,
        sessionEpoch: s.session.epoch,
        partitions: [],
      })
      assert.equal(res.errorCode, ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR)
      assert.equal((await s.next()).errorCode, ErrorCode.NONE, 'the session is still there')
      s.client.close()
    })

    it('an incremental fetch long-polls: it parks and a produce to a session partition wakes it', async () => {
      const s = await openSession([1, 2, 1])
      const started = performance.now()
      const pending = s.next({ maxWaitMs: 60_000, minBytes: 1 })
      await sleep(200)
      await produce(T, 2, 'wake-up')
      const res = await pending
      assert.ok(performance.now() - started < 30_000, 'woken by the produce, not by max_wait_ms')
      assert.equal(res.sessionId, s.id)
      assert.deepEqual(summary(res, names), { [`${T}-2`]: [ErrorCode.NONE, 2, ['wake-up']] })
      s.client.close()
    })
  })
}

describe('the fetch session cache size (max.incremental.fetch.session.cache.slots)', () => {
  let broker: EmbeddedBroker
  before(async () => {
    broker = await startBroker({ config: { 'max.incremental.fetch.session.cache.slots': '1' } })
    const c = await WireClient.connect(broker.port)
    assert.equal((await c.createTopic('slots', 1)).topics[0]?.errorCode, ErrorCode.NONE)
    c.close()
  })
  after(async () => {
    await broker?.close()
  })

  it('a full cache answers a new client without a session and keeps the session in use; a closed one frees the slot', async () => {
    const a = await WireClient.connect(broker.port)
    const b = await WireClient.connect(broker.port)
    const partitions = [{ topic: 'slots', partition: 0, fetchOffset: 0 }]
    const first = await a.fetchPartitions({ version: 12, sessionId: 0, sessionEpoch: 0, partitions })
    assert.notEqual(first.sessionId, 0)
    const refused = await b.fetchPartitions({ version: 12, sessionId: 0, sessionEpoch: 0, partitions })
    assert.equal(refused.errorCode, ErrorCode.NONE)
    assert.equal(refused.sessionId, 0, 'no room: a full response without a session')
    assert.equal(refused.responses[0]?.partitions.length, 1)
    const still = await a.fetchPartitions({ version: 12, sessionId: first.sessionId, sessionEpoch: 1, partitions: [] })
    assert.equal(still.errorCode, ErrorCode.NONE, 'the session in use was not evicted')
    await a.fetchPartitions({ version: 12, sessionId: first.sessionId, sessionEpoch: -1, partitions })
    const now = await b.fetchPartitions({ version: 12, sessionId: 0, sessionEpoch: 0, partitions })
    assert.notEqual(now.sessionId, 0, 'the closed session freed its slot')
    a.close()
    b.close()
  })

  it('refuses a setting below 0 at start-up, naming the key', async () => {
    await assert.rejects(
      startBroker({ config: { 'max.incremental.fetch.session.cache.slots': '-1' } }),
      /max\.incremental\.fetch\.session\.cache\.slots/,
    )
  })
})
