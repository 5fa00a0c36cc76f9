/**
 * Idempotent producers whose connections are cut at random mid-stream: the broker advertises a TCP
 * proxy on 127.0.0.1 (this file's CuttingProxy), which forwards to it and destroys connections after a
 * seeded-random number of bytes, in either direction — so requests are lost before the broker sees them,
 * or after it appended them with the response lost (the producer then retries the same sequence and the
 * broker must answer with the original offsets instead of appending again). Once the cuts are used up the
 * producers finish. The log must then hold every record exactly once: no duplicate, no gap, in send order
 * per partition, and the broker's log must show it answered retried batches as duplicates (each client
 * run at least once). kafkajs (maxInFlightRequests 1), librdkafka (enable.idempotence, up to 5 in flight) and
 * Samsa's own Producer (idempotent by default).
 */
import assert from 'node:assert/strict'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { Producer } from '../../src/client/producer.ts'
import { BrokerProcess } from '../helpers/broker-process.ts'
import { readPartition } from '../helpers/kafka-wire.ts'
import { confluentMissing, kafka, kafkajsMissing, runPythonJson } from './transactions-harness.ts'

const PARTITIONS = 3
const SEED = Number(process.env['SAMSA_CUT_SEED'] ?? 20261122)

/** mulberry32: a small seeded PRNG, so a failing run can be repeated with SAMSA_CUT_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A TCP proxy that cuts each connection after a random number of forwarded bytes, `cutsMax` times in all. */
class CuttingProxy {
  readonly #server: Server
  readonly #random: () => number
  readonly #sockets = new Set<Socket>()
  targetPort = 0
  cutsLeft: number
  cuts = 0
  /** Cuts after a whole request or within a response: the broker had the request, the producer retries it. */
  responseCuts = 0
  connections = 0

  private constructor(server: Server, cutsMax: number, seed: number) {
    this.#server = server
    this.cutsLeft = cutsMax
    this.#random = prng(seed)
  }

  static async start(cutsMax: number, seed: number): Promise<CuttingProxy> {
    const server = createServer()
    const proxy = new CuttingProxy(server, cutsMax, seed)
    server.on('connection', (client) => proxy.#accept(client))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return proxy
  }

  get port(): number {
    const address = this.#server.address()
    return typeof address === 'object' && address !== null ? address.port : 0
  }

  #accept(client: Socket): void {
    this.connections++
    const upstream = connect({ host: '127.0.0.1', port: this.targetPort })
    this.#sockets.add(client)
    this.#sockets.add(upstream)
    // Cut after 100 bytes to 8 KiB, counting both directions, once the connection carried a Produce request
    // (the handshake stays intact: a client's connection set-up is not what is tested) and while cuts are
    // left; drawn then, so connections opened before cutting was turned on are cut too.
    let budget: number | null = null
    let producing = false
    const cut = (): void => {
      if (this.cutsLeft <= 0) return
      this.cutsLeft--
      this.cuts++
      client.destroy()
      upstream.destroy()
    }
    const forward = (from: Socket, to: Socket): void => {
      from.on('data', (chunk: Buffer) => {
        // A request frame starting this chunk: int32 size, then int16 api key (0 = Produce).
        if (from === client && chunk.length >= 6 && chunk.readInt16BE(4) === 0) producing = true
        if (budget === null && producing && this.cutsLeft > 0) budget = 100 + Math.floor(this.#random() * 8092)
        if (budget !== null && chunk.length >= budget && this.cutsLeft > 0) {
          // Either part of the chunk gets through and the connection dies mid-frame, or (half of the
          // request-side cuts) the whole request reaches the broker and the connection dies before the
          // response comes back: the producer must retry a batch the broker already appended.
          const whole = from === client && this.#random() < 0.5
          if (from === upstream || whole) this.responseCuts++
          to.write(whole ? chunk : chunk.subarray(0, budget), () => cut())
          budget = Number.POSITIVE_INFINITY
          from.pause()
          return
        }
        if (budget !== null) budget -= chunk.length
        to.write(chunk)
      })
      from.on('error', () => to.destroy())
      from.on('close', () => {
        to.destroy()
        this.#sockets.delete(from)
      })
    }
    forward(client, upstream)
    forward(upstream, client)
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}

/**
 * Duplicate batches of `topic` the broker answered with their original offsets (its debug line): the
 * proof that retries of appended batches reached the broker and were recognised, not merely that the log
 * came out right.
 */
function duplicatesAnswered(broker: BrokerProcess, topic: string): number {
  return broker.logLines.filter(
    (l) => l['msg'] === 'duplicate batch answered with its original offsets' && l['topic'] === topic,
  ).length
}

/** Every partition of `topic` holds exactly `values[p]` in order: nothing twice, nothing missing. */
async function assertExactlyOnce(port: number, topic: string, sent: Map<number, string[]>): Promise<void> {
  for (const [p, values] of sent) {
    const { records, holes } = await readPartition(port, topic, p)
    assert.deepEqual(holes, [], `partition ${p}: no holes`)
    const stored = records.map((r) => r.value ?? '')
    const dupes = stored.filter((v, i) => stored.indexOf(v) !== i)
    assert.deepEqual(dupes, [], `partition ${p}: no record stored twice`)
    assert.deepEqual(stored, values, `partition ${p}: every record once, in send order`)
  }
}

const PY_PRODUCE = `
import json, sys
from confluent_kafka import Producer
a = json.load(sys.stdin)
errors, acked = [], [0]
def on_delivery(err, msg):
    if err is not None: errors.append(str(err))
    else: acked[0] += 1
p = Producer({'bootstrap.servers': a['bootstrap'], 'enable.idempotence': True, 'linger.ms': 2,
              'batch.num.messages': 50, 'message.timeout.ms': 120000, 'retry.backoff.ms': 20,
              'reconnect.backoff.ms': 10, 'reconnect.backoff.max.ms': 100})
for i in range(a['count']):
    while True:
        try:
            p.produce(a['topic'], partition=i % 3, value=('%s|%d' % (a['prefix'], i)).encode(), on_delivery=on_delivery)
            break
        except BufferError:
            p.poll(0.05)
    p.poll(0)
left = p.flush(120)
print(json.dumps({'acked': acked[0], 'errors': errors[:5], 'left': left}))
`

describe('idempotent producers through connections cut at random', () => {
  let proxy: CuttingProxy
  let broker: BrokerProcess
  before(async () => {
    proxy = await CuttingProxy.start(0, SEED)
    broker = await BrokerProcess.start({
      // debug: the broker logs each duplicate batch it answers with the original offsets.
      logLevel: 'debug',
      overrides: {
        'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}`,
        'num.partitions': String(PARTITIONS),
      },
    })
    proxy.targetPort = broker.port
  })
  after(async () => {
    await proxy?.close()
    await broker?.close()
  })

  const bootstrap = (): string => `127.0.0.1:${proxy.port}`

  it(`kafkajs: no duplicate and no gap after 25 cuts (seed ${SEED})`, { skip: kafkajsMissing ?? false }, async (t) => {
    const topic = 'idempotence-cuts-kafkajs'
    const k = kafka(bootstrap(), 'idempotence-cuts', 50)
    const admin = k.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] })
    await admin.disconnect()
    const producer = k.producer({ idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    proxy.cutsLeft = 25
    const sent = new Map<number, string[]>(Array.from({ length: PARTITIONS }, (_, p) => [p, []]))
    for (let chunk = 0; chunk < 60; chunk++) {
      const messages = Array.from({ length: 50 }, (_, i) => {
        const n = chunk * 50 + i
        return { partition: n % PARTITIONS, value: `js|${n}|${'x'.repeat(n % 300)}` }
      })
      for (const m of messages) sent.get(m.partition)!.push(m.value)
      await producer.send({ topic, acks: -1, messages })
    }
    await producer.disconnect()
    const cuts = proxy.cuts
    proxy.cutsLeft = 0
    t.diagnostic(
      `${cuts} cuts, ${proxy.responseCuts} after the broker had the request, ${proxy.connections} connections`,
    )
    assert.ok(cuts >= 20, `the connections were cut (${cuts} times)`)
    assert.ok(proxy.responseCuts > 0, 'some cuts came after the broker had the request (retries of appended batches)')
    await assertExactlyOnce(broker.port, topic, sent)
    const duplicates = duplicatesAnswered(broker, topic)
    t.diagnostic(`${duplicates} duplicate batches answered with their original offsets`)
    assert.ok(duplicates >= 1, 'the broker recognised at least one retried batch as a duplicate')
  })

  it(`librdkafka (enable.idempotence, 5 in flight): no duplicate and no gap after 25 cuts (seed ${SEED})`, {
    skip: confluentMissing ?? false,
  }, async (t) => {
    const topic = 'idempotence-cuts-librdkafka'
    const count = 20000
    const admin = kafka(`127.0.0.1:${broker.port}`, 'admin').admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] })
    await admin.disconnect()
    const before = proxy.cuts
    const responseCutsBefore = proxy.responseCuts
    proxy.cutsLeft = 25
    const r = await runPythonJson<{ acked: number; errors: string[]; left: number }>(PY_PRODUCE, {
      bootstrap: bootstrap(),
      topic,
      count,
      prefix: 'py',
    })
    const cuts = proxy.cuts - before
    proxy.cutsLeft = 0
    t.diagnostic(`${cuts} cuts, ${proxy.responseCuts - responseCutsBefore} after the broker had the request`)
    assert.deepEqual([r.acked, r.errors, r.left], [count, [], 0])
    assert.ok(cuts >= 10, `the connections were cut (${cuts} times)`)
    assert.ok(proxy.responseCuts > responseCutsBefore, 'some cuts came after the broker had the request')
    const sent = new Map<number, string[]>(Array.from({ length: PARTITIONS }, (_, p) => [p, []]))
    for (let i = 0; i < count; i++) sent.get(i % PARTITIONS)!.push(`py|${i}`)
    await assertExactlyOnce(broker.port, topic, sent)
    const duplicates = duplicatesAnswered(broker, topic)
    t.diagnostic(`${duplicates} duplicate batches answered with their original offsets`)
    assert.ok(duplicates >= 1, 'the broker recognised at least one retried batch as a duplicate')
  })

  it(`Samsa's Producer (idempotent by default): no duplicate and no gap after 25 cuts (seed ${SEED})`, async (t) => {
    const topic = 'idempotence-cuts-samsa'
    const admin = kafka(`127.0.0.1:${broker.port}`, 'admin').admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] })
    await admin.disconnect()
    const producer = new Producer({
      bootstrapServers: bootstrap(),
      lingerMs: 2,
      retries: 1000,
      retryBackoffMs: 10,
      requestTimeoutMs: 5000,
    })
    const before = proxy.cuts
    const responseCutsBefore = proxy.responseCuts
    proxy.cutsLeft = 25
    const sent = new Map<number, string[]>(Array.from({ length: PARTITIONS }, (_, p) => [p, []]))
    const sends: Promise<unknown>[] = []
    for (let n = 0; n < 6000; n++) {
      const value = `ts|${n}|${'y'.repeat(n % 200)}`
      sent.get(n % PARTITIONS)!.push(value)
      sends.push(producer.send({ topic, messages: [{ partition: n % PARTITIONS, value }] }))
    }
    await Promise.all(sends)
    await producer.close()
    const cuts = proxy.cuts - before
    proxy.cutsLeft = 0
    t.diagnostic(`${cuts} cuts, ${proxy.responseCuts - responseCutsBefore} after the broker had the request`)
    assert.ok(cuts >= 10, `the connections were cut (${cuts} times)`)
    assert.ok(proxy.responseCuts > responseCutsBefore, 'some cuts came after the broker had the request')
    await assertExactlyOnce(broker.port, topic, sent)
    const duplicates = duplicatesAnswered(broker, topic)
    t.diagnostic(`${duplicates} duplicate batches answered with their original offsets`)
    assert.ok(duplicates >= 1, 'the broker recognised at least one retried batch as a duplicate')
  })

  it('wrote no error-level log lines', () => {
    const errors = broker.logLines.filter((l) => typeof l['level'] === 'number' && l['level'] >= 50)
    assert.deepEqual(errors, [])
  })
})
