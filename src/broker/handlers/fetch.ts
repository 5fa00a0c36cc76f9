/**
 * Fetch (key 1), versions 0-17.
 *
 * Version notes: v0-v3 predate record batches v2, so their data is down-converted to magic 0 (v0-v1)
 * or magic 1 (v2-v3); v3 adds the response size limit; v4 isolation level, last stable offset and
 * aborted transactions (read_committed stops at the last stable offset); v5 log start offset; v7
 * incremental fetch sessions (KIP-227); v9 current leader epoch (KIP-320); v10 zstd (older versions get
 * UNSUPPORTED_COMPRESSION_TYPE for zstd data); v11 rack id; v12 flexible; v13+ topics by id (KIP-516);
 * v15 replica state; v16 node endpoints. read_committed (v4+) reads up to the last stable offset and
 * lists the aborted transactions (from the `.txnindex` files) that overlap the records it returns.
 *
 * Long polling: when less than min_bytes is available, the request waits up to max_wait_ms for more.
 * Record data is returned as it lies in the segment files, never re-encoded (except down-conversion).
 *
 * Not yet: follower fetches (replica_id >= 0) are served like consumer fetches; preferred read replicas.
 */
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
import { downConvertBatches } from '../../protocol/records/legacy.ts'
import { IsolationLevel } from '../../replication/partition.ts'
import type { FetchPartitionRequest } from '../../replication/replica-manager.ts'
import { type FetchSession, FetchSessionEpoch, type SessionPartition } from '../fetch-session-cache.ts'
import { defineHandler, type RequestContext } from '../handler.ts'

type Services = 'metadata' | 'replicaManager' | 'fetchSessions' | 'config'

const TOPIC_IDS_VERSION = 13
const EMPTY = Buffer.alloc(0)

interface Wanted {
  topic: string
  topicId: string
  partition: number
  fetchOffset: number
  partitionMaxBytes: number
  currentLeaderEpoch: number
  /** Error found before reading (unknown topic or partition). */
  errorCode: number
  session: SessionPartition | null
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
    const sessions = ctx.services.fetchSessions
    let session: FetchSession | null = null
    let incremental = false
    if (v >= 7) {
      const { sessionId, sessionEpoch } = request
      if (sessionEpoch === FetchSessionEpoch.Final) {
        if (sessionId !== 0) sessions.remove(sessionId)
      } else if (sessionEpoch === FetchSessionEpoch.Initial) {
        if (sessionId !== 0) sessions.remove(sessionId)
        session = sessions.create()
      } else {
        const existing = sessionId === 0 ? undefined : sessions.get(sessionId)
        if (existing === undefined)
          return topLevelError(
            sessionId === 0 ? ErrorCode.INVALID_FETCH_SESSION_EPOCH : ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
          )
        if (existing.epoch !== sessionEpoch) return topLevelError(ErrorCode.INVALID_FETCH_SESSION_EPOCH)
        existing.epoch++
        session = existing
        incremental = true
      }
    }
    const wanted = collectWanted(ctx, request, session, incremental, byId)
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
    readable.forEach((w, i) => {
      const r = results[i]!
      const data = partitionData(w.partition, r.errorCode)
      data.highWatermark = r.highWatermark
      data.lastStableOffset = r.lastStableOffset
      data.logStartOffset = r.logStartOffset
      data.records = r.records
      if (isolation === IsolationLevel.ReadCommitted) data.abortedTransactions = r.abortedTransactions ?? []
      if (r.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || r.errorCode === ErrorCode.FENCED_LEADER_EPOCH) {
        const reg = ctx.services.metadata().topics.getPartition(w.topic, w.partition)
        if (reg !== undefined) data.currentLeader = { leaderId: reg.leader, leaderEpoch: reg.leaderEpoch }
      }
      if (v < 4) convertForOldFetcher(data, v)
      else if (
        v < 10 &&
        ctx.services.replicaManager.getPartition(w.topic, w.partition)?.log.config.compressionType === 'zstd'
      )
        refuseZstd(data)
      byWanted.set(w, data)
    })
    const responses: FetchResponseFetchableTopicResponse[] = []
    let current: FetchResponseFetchableTopicResponse | undefined
    for (const w of wanted) {
      const data = byWanted.get(w) ?? partitionData(w.partition, w.errorCode)
      if (incremental && !mustRespond(w.session, data)) continue
      if (w.session !== null) {
        w.session.lastHighWatermark = data.highWatermark
        w.session.lastLastStableOffset = data.lastStableOffset
        w.session.lastLogStartOffset = data.logStartOffset
      }
      const topicKey = byId ? w.topicId : w.topic
      if (current === undefined || (byId ? current.topicId : current.topic) !== topicKey) {
        current = { topic: w.topic, topicId: w.topicId, partitions: [] }
        responses.push(current)
      }
      current.partitions.push(data)
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: session?.id ?? 0, responses, nodeEndpoints: [] }
  },
  errorResponse: (_request, errorCode) => topLevelError(errorCode),
})

/**
 * The partitions this request reads, in response order: the request's own list for full fetches; for
 * incremental ones, the session's partitions after applying the request's additions and removals.
 */
function collectWanted(
  ctx: RequestContext<Services>,
  request: FetchRequest,
  session: FetchSession | null,
  incremental: boolean,
  byId: boolean,
): Wanted[] {
  const image = ctx.services.metadata()
  const resolve = (topic: string, topicId: string): { name: string; id: string; errorCode: number } => {
    const t = byId ? image.topics.getTopicById(topicId) : image.topics.getTopic(topic)
    if (t === undefined)
      return {
        name: topic,
        id: topicId,
        errorCode: byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      }
    return { name: t.name, id: t.topicId, errorCode: ErrorCode.NONE }
  }
  if (session !== null && incremental) {
    for (const f of request.forgottenTopicsData) {
      for (const p of f.partitions) session.partitions.delete(`${byId ? f.topicId : f.topic}:${p}`)
    }
  }
  const direct: Wanted[] = []
  for (const t of request.topics) {
    const resolved = resolve(t.topic, t.topicId)
    for (const p of t.partitions) {
      let errorCode = resolved.errorCode
      if (errorCode === ErrorCode.NONE && !image.topics.getTopic(resolved.name)?.partitions.has(p.partition)) {
        errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      }
      const w: Wanted = {
        topic: resolved.name,
        topicId: resolved.id,
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
        errorCode,
        session: null,
      }
      if (session !== null) {
        const k = `${byId ? t.topicId : t.topic}:${p.partition}`
        let sp = session.partitions.get(k)
        if (sp === undefined) {
          sp = {
            topic: resolved.name,
            topicId: resolved.id,
            partition: p.partition,
            fetchOffset: p.fetchOffset,
            partitionMaxBytes: p.partitionMaxBytes,
            currentLeaderEpoch: p.currentLeaderEpoch,
            lastHighWatermark: -2,
            lastLastStableOffset: -2,
            lastLogStartOffset: -2,
          }
          session.partitions.set(k, sp)
        } else {
          sp.fetchOffset = p.fetchOffset
          sp.partitionMaxBytes = p.partitionMaxBytes
          sp.currentLeaderEpoch = p.currentLeaderEpoch
        }
        w.session = sp
      }
      direct.push(w)
    }
  }
  if (session === null || !incremental) return direct
  // Incremental: every partition of the session is read, in session order.
  const out: Wanted[] = []
  for (const sp of session.partitions.values()) {
    const resolved = resolve(sp.topic, sp.topicId)
    out.push({
      topic: resolved.name,
      topicId: resolved.id,
      partition: sp.partition,
      fetchOffset: sp.fetchOffset,
      partitionMaxBytes: sp.partitionMaxBytes,
      currentLeaderEpoch: sp.currentLeaderEpoch,
      errorCode: resolved.errorCode,
      session: sp,
    })
  }
  return out
}

/** Whether an incremental response must mention this partition (Kafka's CachedPartition rules). */
function mustRespond(sp: SessionPartition | null, data: FetchResponsePartitionData): boolean {
  if (sp === null) return true
  return (
    data.errorCode !== ErrorCode.NONE ||
    (data.records?.length ?? 0) > 0 ||
    data.highWatermark !== sp.lastHighWatermark ||
    data.lastStableOffset !== sp.lastLastStableOffset ||
    data.logStartOffset !== sp.lastLogStartOffset
  )
}

/** Fetch v0-v3 consumers read magic 0 (v0-v1) or magic 1 (v2-v3) message sets. */
function convertForOldFetcher(data: FetchResponsePartitionData, version: number): void {
  if (data.records === null || data.records.length === 0) return
  try {
    data.records = downConvertBatches(data.records, version < 2 ? 0 : 1)
  } catch (err) {
    // Stored data that cannot be converted is reported as corrupt rather than failing the whole fetch.
    data.errorCode = err instanceof KafkaProtocolError ? err.errorCode : ErrorCode.CORRUPT_MESSAGE
    data.records = EMPTY
  }
}

/**
 * Fetch v4-v9 predates zstd (KIP-110). Like KafkaApis, only a topic whose compression.type is zstd is
 * refused to such fetchers; zstd batches of a compression.type=producer topic are served as stored
 * (kafka-python always fetches with v4 and reads them).
 */
function refuseZstd(data: FetchResponsePartitionData): void {
  if (data.errorCode !== ErrorCode.NONE) return
  data.errorCode = ErrorCode.UNSUPPORTED_COMPRESSION_TYPE
  data.records = EMPTY
}
