/**
 * @platformatic/kafka 1.35.0 in the round trip every client runs: its admin creates the topics, its
 * idempotent producer (Produce v11, acks=all) writes keyed records with headers and timestamps in each
 * codec it has, and a KIP-848 consumer group (ConsumerGroupHeartbeat, Fetch v17 by topic id) reads them
 * back, across a graceful broker restart. Its zstd needs zlib's zstd (Node 22.15+); on Node 20 that codec
 * is reported as skipped for this client, as a missing codec module is for kafka-python.
 */
import zlib from 'node:zlib'
import type * as Platformatic from '@platformatic/kafka'
import { type Codec, defineInteropSuite, type InRecord, type InteropClient } from '../helpers/interop.ts'

const platformatic = await import('@platformatic/kafka').catch(() => null)
const SEND_CHUNK = 500

function client(pk: typeof Platformatic): InteropClient {
  let groups = 0
  return {
    setsTimestamps: true,
    perRecordHeaders: true,
    async createTopic(bootstrap, topic, partitions) {
      const admin = new pk.Admin({ clientId: 'interop-platformatic', bootstrapBrokers: [bootstrap] })
      try {
        await admin.createTopics({ topics: [topic], partitions, replicas: 1 })
      } finally {
        await admin.close()
      }
    },
    async produce(bootstrap, topic, codec, records) {
      const producer = new pk.Producer({
        clientId: 'interop-platformatic',
        bootstrapBrokers: [bootstrap],
        serializers: pk.stringSerializers,
        idempotent: true,
        compression: codec,
      })
      try {
        for (let i = 0; i < records.length; i += SEND_CHUNK) {
          await producer.send({
            messages: records.slice(i, i + SEND_CHUNK).map((r) => ({
              topic,
              key: r.key,
              value: r.value,
              headers: Object.fromEntries(r.headers),
              timestamp: BigInt(r.timestamp ?? Date.now()),
            })),
          })
        }
      } finally {
        await producer.close()
      }
    },
    async consume(bootstrap, topic, _partitions, count, signal) {
      const consumer = new pk.Consumer({
        groupId: `interop-platformatic-${topic}-${++groups}`,
        clientId: 'interop-platformatic',
        bootstrapBrokers: [bootstrap],
        deserializers: pk.stringDeserializers,
        groupProtocol: 'consumer',
        maxWaitTime: 500,
      })
      const out: InRecord[] = []
      try {
        const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false })
        await new Promise<void>((resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error(`aborted after ${out.length} of ${count} records`)), {
            once: true,
          })
          stream.on('error', reject)
          stream.on('data', (m: Platformatic.Message<string, string, string, string>) => {
            out.push({
              partition: m.partition,
              offset: Number(m.offset),
              key: m.key,
              value: m.value,
              headers: [...m.headers.entries()],
              timestamp: Number(m.timestamp),
            })
            if (out.length >= count) resolve()
          })
        })
      } finally {
        await consumer.close(true)
      }
      return out
    },
  }
}

const zstdMissing =
  'zstdCompressSync' in zlib ? undefined : '@platformatic/kafka compresses zstd with zlib, which this Node lacks'
defineInteropSuite('@platformatic/kafka', platformatic === null ? ({} as InteropClient) : client(platformatic), {
  skip: platformatic === null ? '@platformatic/kafka not installed' : undefined,
  codecSkips: { zstd: zstdMissing } satisfies Partial<Record<Codec, string | undefined>>,
})
