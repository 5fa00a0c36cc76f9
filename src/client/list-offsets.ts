import { ErrorCode } from '../protocol/error-codes.ts'
import { ApiKey } from '../protocol/generated/api-message-types.ts'
import {
  decodeListOffsetsResponse,
  encodeListOffsetsRequest,
  type ListOffsetsRequestListOffsetsTopic,
} from '../protocol/generated/list-offsets.ts'
import type { Cluster } from './cluster.ts'
import { isRetriable, KafkaResponseError } from './errors.ts'

/** Which offset to look up: the first, the next to be written, the one with the largest timestamp, or by time. */
export type OffsetSpec = 'earliest' | 'latest' | 'max-timestamp' | number

/** read_uncommitted (0) sees up to the high watermark; read_committed (1) up to the last stable offset. */
export const IsolationLevel = { ReadUncommitted: 0, ReadCommitted: 1 } as const
export type IsolationLevel = (typeof IsolationLevel)[keyof typeof IsolationLevel]

export interface ListOffsetsQuery {
  topic: string
  partition: number
  spec: OffsetSpec
}

export interface PartitionOffset {
  topic: string
  partition: number
  /** -1 when a timestamp lookup finds no record at or after the timestamp. */
  offset: number
  /** The record's timestamp for timestamp and max-timestamp lookups, -1 otherwise. */
  timestamp: number
  leaderEpoch: number
}

const LIST_OFFSETS_VERSION_MAX = 9
const LIST_OFFSETS_VERSION_MIN = 1
/** ListOffsets v7 added the max-timestamp query (KIP-734). */
const MAX_TIMESTAMP_VERSION_MIN = 7

/** Kafka's special timestamps in ListOffsets. */
function specTimestamp(spec: OffsetSpec): number {
  if (spec === 'latest') return -1
  if (spec === 'earliest') return -2
  if (spec === 'max-timestamp') return -3
  return spec
}

/**
 * Looks up offsets, one ListOffsets request per partition leader (in parallel), retrying the partitions
 * that failed with a retriable error (a leader moved, a topic is being created). Results come back in
 * the order of the queries. A non-retriable partition error rejects with KafkaResponseError.
 */
export async function listOffsets(
  cluster: Cluster,
  queries: readonly ListOffsetsQuery[],
  isolationLevel: IsolationLevel = IsolationLevel.ReadUncommitted,
): Promise<PartitionOffset[]> {
  const done = new Map<string, PartitionOffset>()
  await cluster.retry(async () => {
    const byLeader = new Map<number, ListOffsetsQuery[]>()
    for (const q of queries) {
      if (done.has(`${q.topic}\0${q.partition}`)) continue
      const leader = await cluster.leaderFor(q.topic, q.partition)
      let list = byLeader.get(leader)
      if (list === undefined) {
        list = []
        byLeader.set(leader, list)
      }
      list.push(q)
    }
    const outcomes = await Promise.allSettled(
      [...byLeader].map(([leader, list]) => listFromLeader(cluster, leader, list, isolationLevel, done)),
    )
    // Report a non-retriable failure first; a retriable one makes cluster.retry() go round again.
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []))
    const fatal = failures.find((e) => !isRetriable(e))
    if (fatal !== undefined) throw fatal
    if (failures.length > 0) throw failures[0]
  })
  return queries.map((q) => done.get(`${q.topic}\0${q.partition}`)!)
}

async function listFromLeader(
  cluster: Cluster,
  leader: number,
  queries: readonly ListOffsetsQuery[],
  isolationLevel: IsolationLevel,
  done: Map<string, PartitionOffset>,
): Promise<void> {
  const conn = await cluster.connectionTo(leader)
  const needsMaxTimestamp = queries.some((q) => q.spec === 'max-timestamp')
  const version = conn.versionFor(
    ApiKey.ListOffsets,
    LIST_OFFSETS_VERSION_MAX,
    needsMaxTimestamp ? MAX_TIMESTAMP_VERSION_MIN : LIST_OFFSETS_VERSION_MIN,
  )
  const topics = new Map<string, ListOffsetsRequestListOffsetsTopic>()
  for (const q of queries) {
    let t = topics.get(q.topic)
    if (t === undefined) {
      t = { name: q.topic, partitions: [] }
      topics.set(q.topic, t)
    }
    t.partitions.push({
      partitionIndex: q.partition,
      currentLeaderEpoch: -1,
      timestamp: specTimestamp(q.spec),
      maxNumOffsets: 1,
    })
  }
  const response = await conn.request(
    ApiKey.ListOffsets,
    version,
    (w, v) =>
      encodeListOffsetsRequest(w, v, {
        replicaId: -1,
        isolationLevel,
        topics: [...topics.values()],
        timeoutMs: cluster.requestTimeoutMs,
      }),
    decodeListOffsetsResponse,
  )
  let firstError: KafkaResponseError | null = null
  for (const t of response.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== ErrorCode.NONE) {
        const err = new KafkaResponseError(p.errorCode, { resource: t.name, partition: p.partitionIndex })
        if (firstError === null || (firstError.retriable && !err.retriable)) firstError = err
        continue
      }
      done.set(`${t.name}\0${p.partitionIndex}`, {
        topic: t.name,
        partition: p.partitionIndex,
        offset: p.offset,
        timestamp: p.timestamp,
        leaderEpoch: p.leaderEpoch,
      })
    }
  }
  if (firstError !== null) throw firstError
  for (const q of queries) {
    if (!done.has(`${q.topic}\0${q.partition}`)) {
      throw new KafkaResponseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, {
        resource: q.topic,
        partition: q.partition,
        message: 'missing from the ListOffsets response',
      })
    }
  }
}
