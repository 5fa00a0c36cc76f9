/**
 * kafkajs 2.2.4: its admin creates the topics, its producer (Produce v7, acks=all) writes keyed records
 * with headers and timestamps in every codec, and a consumer group (JoinGroup/SyncGroup, Fetch v11)
 * reads them back, across a graceful broker restart. kafkajs has gzip built in; snappy, lz4 and zstd are
 * registered through its CompressionCodecs table, as kafkajs users do, backed by our own codecs.
 */
import type * as KafkaJs from 'kafkajs'
import { CompressionType, compress, decompress } from '../../src/protocol/records/compression/index.ts'
import { type Codec, defineInteropSuite, type InRecord, type InteropClient, loadKafkajs } from '../helpers/interop.ts'

const kafkajs = loadKafkajs()

function registerCodecs(k: typeof KafkaJs): void {
  const codec = (type: CompressionType) => () => ({
    compress: async (encoder: { buffer: Buffer }) => compress(type, encoder.buffer),
    decompress: async (buffer: Buffer) => decompress(type, buffer),
  })
  k.CompressionCodecs[k.CompressionTypes.Snappy] = codec(CompressionType.Snappy)
  k.CompressionCodecs[k.CompressionTypes.LZ4] = codec(CompressionType.Lz4)
  k.CompressionCodecs[k.CompressionTypes.ZSTD] = codec(CompressionType.Zstd)
}

const SEND_CHUNK = 500

function client(k: typeof KafkaJs): InteropClient {
  const kafka = (bootstrap: string) =>
    new k.Kafka({
      brokers: [bootstrap],
      clientId: 'interop-kafkajs',
      logLevel: k.logLevel.NOTHING,
      retry: { retries: 8 },
    })
  const codecs: Record<Codec, KafkaJs.CompressionTypes> = {
    gzip: k.CompressionTypes.GZIP,
    snappy: k.CompressionTypes.Snappy,
    lz4: k.CompressionTypes.LZ4,
    zstd: k.CompressionTypes.ZSTD,
  }
  let groups = 0
  return {
    setsTimestamps: true,
    perRecordHeaders: true,
    async createTopic(bootstrap, topic, partitions, signal) {
      const admin = kafka(bootstrap).admin()
      signal.addEventListener('abort', () => void admin.disconnect(), { once: true })
      await admin.connect()
      try {
        const created = await admin.createTopics({
          topics: [{ topic, numPartitions: partitions }],
          waitForLeaders: true,
        })
        if (!created) throw new Error(`kafkajs did not create ${topic}`)
      } finally {
        await admin.disconnect()
      }
    },
    async produce(bootstrap, topic, codec, records, signal) {
      const producer = kafka(bootstrap).producer()
      signal.addEventListener('abort', () => void producer.disconnect(), { once: true })
      await producer.connect()
      try {
        for (let i = 0; i < records.length; i += SEND_CHUNK) {
          const res = await producer.send({
            topic,
            acks: -1,
            compression: codecs[codec],
            messages: records.slice(i, i + SEND_CHUNK).map((r) => ({
              key: r.key,
              value: r.value,
              headers: Object.fromEntries(r.headers),
              timestamp: String(r.timestamp),
            })),
          })
          for (const m of res) if (m.errorCode !== 0) throw new Error(`produce failed with error ${m.errorCode}`)
        }
      } finally {
        await producer.disconnect()
      }
    },
    async consume(bootstrap, topic, _partitions, count, signal) {
      const consumer = kafka(bootstrap).consumer({
        groupId: `interop-kafkajs-${topic}-${++groups}`,
        maxWaitTimeInMs: 500,
      })
      const out: InRecord[] = []
      await consumer.connect()
      try {
        await consumer.subscribe({ topic, fromBeginning: true })
        await new Promise<void>((resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error(`aborted after ${out.length} of ${count} records`)), {
            once: true,
          })
          consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error))
          consumer
            .run({
              autoCommit: false,
              eachBatch: async ({ batch }) => {
                for (const m of batch.messages) {
                  out.push({
                    partition: batch.partition,
                    offset: Number(m.offset),
                    key: m.key === null ? null : m.key.toString(),
                    value: m.value === null ? null : m.value.toString(),
                    headers: Object.entries(m.headers ?? {}).flatMap(([hk, hv]) =>
                      (Array.isArray(hv) ? hv : [hv]).map((v): [string, string | null] => [
                        hk,
                        v === undefined ? null : v.toString(),
                      ]),
                    ),
                    timestamp: Number(m.timestamp),
                  })
                }
                if (out.length >= count) resolve()
              },
            })
            .catch(reject)
        })
      } finally {
        await consumer.disconnect()
      }
      return out
    },
  }
}

if (kafkajs !== null) registerCodecs(kafkajs)
defineInteropSuite(
  'kafkajs',
  kafkajs === null ? ({} as InteropClient) : client(kafkajs),
  kafkajs === null ? { skip: 'kafkajs not installed' } : {},
)
