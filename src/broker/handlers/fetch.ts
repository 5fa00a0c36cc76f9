/**
 * Fetch (key 1), versions 0-17.
 *
 * Version notes: v0-v3 predate record batches v2, so their data is down-converted to magic 0 (v0-v1)
 * or magic 1 (v2-v3), off the event loop, or refused with UNSUPPORTED_VERSION where the topic's
 * message.downconversion.enable is false; v3 adds the response size limit; v4 isolation level, last
 * stable offset and aborted transactions (read_committed stops at the last stable offset); v5 log start
 * offset; v7 incremental fetch sessions (KIP-227); v9 current leader epoch (KIP-320); v10 zstd (older
 * versions get UNSUPPORTED_COMPRESSION_TYPE for topics with compression.type zstd); v11 rack id; v12 flexible; v13+ topics by id (KIP-516);
 * v15 replica state; v16 node endpoints. read_committed (v4+) reads up to the last stable offset and
 * lists the aborted transactions (from the `.txnindex` files) that overlap the records it returns.
 *
 * Long polling: when less than min_bytes is available, the request waits up to max_wait_ms for more,
 * then reads again. Sessions (v7+): fetch-context.ts decides which partitions a request reads and which
 * of them its response carries; a session error is a top-level error code with no partitions.
 * Record data is returned as it lies in the segment files, never re-encoded (except down-conversion).
 *
 * Not yet: follower fetches (replica_id >= 0) are served like consumer fetches; preferred read replicas.
 */
import type { MetadataImage } from '../../metadata/image/metadata-image.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeFetchRequest,
  encodeFetchResponse,
  type FetchRequest,
  type FetchResponse,
  type FetchResponseFetchableTopicResponse,
  type FetchResponsePartitionData,
} from '../../protocol/generated/fetch.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts'
import { downConvertBatches } from '../../protocol/records/legacy.ts'
import { IsolationLevel } from '../../replication/partition.ts'
import type { FetchPartitionRequest } from '../../replication/replica-manager.ts'
import { type FetchPartitionParams, newFetchContext } from '../fetch-context.ts'
import { defineHandler, type RequestContext } from '../handler.ts'

type Services = 'metadata' | 'replicaManager' | 'fetchSessions' | 'config'

const TOPIC_IDS_VERSION = 13
const EMPTY = Buffer.alloc(0)

/** A partition to read, its topic resolved against the metadata image. */
interface Wanted extends FetchPartitionParams {
  /** Error found before reading (unknown topic or partition). */
  errorCode: number
}

function partitionData(partitionIndex: number, errorCode: number): FetchResponsePartitionData {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    divergingEpoch: { epoch: -1, endOffset: -1 },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1, epoch: -1 },
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: EMPTY,
  }
}

function topLevelError(errorCode: number, sessionId = 0): FetchResponse {
  return { throttleTimeMs: 0, errorCode, sessionId, responses: [], nodeEndpoints: [] }
}

export const fetchHandler = defineHandler<FetchRequest, FetchResponse, Services>({
  apiKey: ApiKey.Fetch,
  name: 'Fetch',
  minVersion: 0,
  maxVersion: 17,
  decodeRequest: decodeFetchRequest,
  encodeResponse: encodeFetchResponse,
  async handle(ctx, request) {
    const v = ctx.apiVersion
    const byId = v >= TOPIC_IDS_VERSION
    const context = newFetchContext(ctx.services.fetchSessions, v, request, requestedPartitions(ctx, request, byId))
    if (typeof context === 'number') return topLevelError(context)
    const image = ctx.services.metadata()
    const wanted = context.partitions.map((p) => resolve(image, p, byId))
    const isolation =
      v >= 4 && request.isolationLevel === 1 ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted
    const brokerMaxBytes = ctx.services.config().getInt('fetch.max.bytes')
    const maxBytes = v >= 3 ? Math.min(request.maxBytes, brokerMaxBytes) : brokerMaxBytes
    const readable = wanted.filter((w) => w.errorCode === ErrorCode.NONE)
    const requests: FetchPartitionRequest[] = readable.map((w) => ({
      topic: w.topic,
      partition: w.partition,
      fetchOffset: w.fetchOffset,
      partitionMaxBytes: w.partitionMaxBytes,
      currentLeaderEpoch: v >= 9 ? w.currentLeaderEpoch : -1,
    }))
    // Segment reads land in pooled buffers that the response refers to; they go back once it is written.
    const borrowed = ctx.services.replicaManager.borrowReadBuffers()
    ctx.onResponseDone(() => borrowed.releaseAll())
    const results = await ctx.services.replicaManager.fetch(
      {
        maxWaitMs: request.maxWaitMs,
        minBytes: request.minBytes,
        maxBytes,
        isolation,
        signal: ctx.signal,
        allocate: borrowed.allocate,
      },
      requests,
    )
    const byWanted = new Map<Wanted, FetchResponsePartitionData>()
    const fromFollower = (v <= 14 ? request.replicaId : request.replicaState.replicaId) >= 0
    const conversions: Promise<void>[] = []
    readable.forEach((w, i) => {
      const r = results[i]!
      const data = partitionData(w.partition, r.errorCode)
      data.highWatermark = r.highWatermark
      data.lastStableOffset = r.lastStableOffset
      data.logStartOffset = r.logStartOffset
      data.records = r.records
      if (isolation === IsolationLevel.ReadCommitted) data.abortedTransactions = r.abortedTransactions ?? []
      if (r.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || r.errorCode === ErrorCode.FENCED_LEADER_EPOCH) {
        const reg = image.topics.getPartition(w.topic, w.partition)
        if (reg !== undefined) data.currentLeader = { leaderId: reg.leader, leaderEpoch: reg.leaderEpoch }
      }
      byWanted.set(w, data)
      if (v < 10) conversions.push(forOldFetcher(ctx, w, data, v, fromFollower))
    })
    await Promise.all(conversions)
    const data = wanted.map((w) => byWanted.get(w) ?? partitionData(w.partition, w.errorCode))
    const answer = context.respond(data)
    if (answer.errorCode !== ErrorCode.NONE) return topLevelError(answer.errorCode, answer.sessionId)
    const responses: FetchResponseFetchableTopicResponse[] = []
    let current: FetchResponseFetchableTopicResponse | undefined
    wanted.forEach((w, i) => {
      if (!answer.include[i]) return
      const topicKey = byId ? w.topicId : w.topic
      if (current === undefined || (byId ? current.topicId : current.topic) !== topicKey) {
        current = { topic: w.topic, topicId: w.topicId, partitions: [] }
        responses.push(current)
      }
      current.partitions.push(data[i]!)
    })
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: answer.sessionId, responses, nodeEndpoints: [] }
  },
  errorResponse: (_request, errorCode) => topLevelError(errorCode),
})

/** The request's own partitions, in request order, named both ways where the topic is known. */
function requestedPartitions(
  ctx: RequestContext<Services>,
  request: FetchRequest,
  byId: boolean,
): FetchPartitionParams[] {
  const topics = ctx.services.metadata().topics
  const out: FetchPartitionParams[] = []
  for (const t of request.topics) {
    const known = byId ? topics.getTopicById(t.topicId) : topics.getTopic(t.topic)
    const topic = byId ? (known?.name ?? '') : t.topic
    const topicId = byId ? t.topicId : (known?.topicId ?? ZERO_UUID)
    for (const p of t.partitions) {
      out.push({
        topic,
        topicId,
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
      })
    }
  }
  return out
}

/**
 * A partition of the context checked against the current image: session partitions are looked up
 * again on every request, so a topic deleted (or created) since is answered as it is now.
 */
function resolve(image: MetadataImage, p: FetchPartitionParams, byId: boolean): Wanted {
  const t = byId ? image.topics.getTopicById(p.topicId) : image.topics.getTopic(p.topic)
  const base = {
    partition: p.partition,
    fetchOffset: p.fetchOffset,
    partitionMaxBytes: p.partitionMaxBytes,
    currentLeaderEpoch: p.currentLeaderEpoch,
  }
  if (t === undefined) {
    const errorCode = byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    return { ...base, topic: p.topic, topicId: p.topicId, errorCode }
  }
  const errorCode = t.partitions.has(p.partition) ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
  return { ...base, topic: t.name, topicId: t.topicId, errorCode }
}

/**
 * Fetch v0-v9 predates zstd (KIP-110): like KafkaApis, only a topic whose compression.type is zstd is
 * refused to such fetchers (UNSUPPORTED_COMPRESSION_TYPE); zstd batches of a compression.type=producer
 * topic are served as stored to v4-v9 (kafka-python always fetches with v4 and reads them). Fetch v0-v3
 * predates record batches v2 and gets the data down-converted, unless the topic's
 * message.downconversion.enable (broker default log.message.downconversion.enable) is false: then a
 * consumer gets UNSUPPORTED_VERSION for its partitions, as from KafkaApis.
 */
async function forOldFetcher(
  ctx: RequestContext<Services>,
  w: Wanted,
  data: FetchResponsePartitionData,
  version: number,
  fromFollower: boolean,
): Promise<void> {
  const config = ctx.services.replicaManager.getPartition(w.topic, w.partition)?.log.config
  if (config?.compressionType === 'zstd') return refuse(data, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE)
  if (version >= 4) return
  if (config?.messageDownconversionEnable === false && !fromFollower) return refuse(data, ErrorCode.UNSUPPORTED_VERSION)
  await downConvert(data, version, w.fetchOffset)
}

/**
 * Magic 0 (v0-v1) or magic 1 (v2-v3) message sets, converted off the event loop; records of uncompressed
 * batches below the fetch offset are left out, as Kafka's down-conversion does.
 */
async function downConvert(data: FetchResponsePartitionData, version: number, fetchOffset: number): Promise<void> {
  if (data.records === null || data.records.length === 0) return
  try {
    data.records = await downConvertBatches(data.records, version < 2 ? 0 : 1, { firstOffset: fetchOffset })
  } catch (err) {
    // Stored data that cannot be converted is reported as corrupt rather than failing the whole fetch.
    refuse(data, err instanceof KafkaProtocolError ? err.errorCode : ErrorCode.CORRUPT_MESSAGE)
  }
}

/** A partition answered with an error only, as Kafka's FetchResponse.partitionResponse. */
function refuse(data: FetchResponsePartitionData, errorCode: number): void {
  Object.assign(data, partitionData(data.partitionIndex, errorCode))
}
