/** Shared helpers for the client tests that run against an embedded broker. */
import type { Cluster } from '../../src/client/cluster.ts'
import { Consumer, type ConsumerRecord } from '../../src/client/consumer.ts'
import { ApiKey } from '../../src/protocol/generated/api-message-types.ts'
import { decodeFetchResponse, encodeFetchRequest } from '../../src/protocol/generated/fetch.ts'
import { ZERO_UUID } from '../../src/protocol/primitives/uuid.ts'
import { type DecodedRecordBatch, decodeRecordBatches } from '../../src/protocol/records/records.ts'

/** Reads every record of `topic` from the start until `count` records have arrived. */
export async function consumeAll(bootstrap: string, topic: string, count: number): Promise<ConsumerRecord[]> {
  const consumer = new Consumer({ bootstrapServers: bootstrap, autoOffsetReset: 'earliest', maxWaitMs: 100 })
  try {
    await consumer.assignAll(topic, 'earliest')
    const out: ConsumerRecord[] = []
    while (out.length < count) {
      for (const r of await consumer.poll({ maxWaitMs: 5000 })) out.push(r)
    }
    return out
  } finally {
    await consumer.close()
  }
}

/** The raw batches of one partition from `offset`, fetched by hand (to look at batch attributes). */
export async function fetchBatches(
  cluster: Cluster,
  topic: string,
  partition: number,
  offset = 0,
): Promise<DecodedRecordBatch[]> {
  const conn = await cluster.leaderConnection(topic, partition)
  const version = conn.versionFor(ApiKey.Fetch, 12, 4)
  const response = await conn.request(
    ApiKey.Fetch,
    version,
    (w, v) =>
      encodeFetchRequest(w, v, {
        clusterId: null,
        replicaId: -1,
        replicaState: { replicaId: -1, replicaEpoch: -1 },
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 64 * 1024 * 1024,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic,
            topicId: ZERO_UUID,
            partitions: [
              {
                partition,
                currentLeaderEpoch: -1,
                fetchOffset: offset,
                lastFetchedEpoch: -1,
                logStartOffset: -1,
                partitionMaxBytes: 64 * 1024 * 1024,
                replicaDirectoryId: ZERO_UUID,
              },
            ],
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      }),
    decodeFetchResponse,
  )
  const records = response.responses[0]?.partitions[0]?.records ?? null
  return records === null ? [] : decodeRecordBatches(records)
}

/** Key for sorting/grouping records by position. */
export function positionKey(r: { partition: number; offset: number }): string {
  return `${r.partition}:${r.offset}`
}
