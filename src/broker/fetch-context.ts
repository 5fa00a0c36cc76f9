import { ErrorCode } from '../protocol/error-codes.ts'
import type { FetchRequest, FetchResponsePartitionData } from '../protocol/generated/fetch.ts'
import {
  type FetchSession,
  type FetchSessionCache,
  FetchSessionEpoch,
  nextSessionEpoch,
  type SessionPartition,
} from './fetch-session-cache.ts'

/** Fetch v13 names topics by id; sessions remember which kind of request created them. */
const TOPIC_IDS_VERSION = 13

/** One partition a Fetch reads and the request's parameters for it. */
export interface FetchPartitionParams {
  readonly topic: string
  readonly topicId: string
  readonly partition: number
  fetchOffset: number
  partitionMaxBytes: number
  currentLeaderEpoch: number
}

export interface FetchContextResponse {
  errorCode: number
  sessionId: number
  /** Per partition of the context, whether the response carries it. */
  include: boolean[]
}

/**
 * How one Fetch request relates to the fetch session cache (Kafka's FetchContext, KIP-227): which
 * partitions it reads, and once they are read, which of them the response carries under which session id.
 */
export interface FetchContext {
  /** The partitions to read, in response order. */
  readonly partitions: readonly FetchPartitionParams[]
  /** Called once with the data read for each partition; creates or updates the session. */
  respond(data: readonly FetchResponsePartitionData[]): FetchContextResponse
}

/** The key of a partition in a session: by topic id for v13+ sessions, by name before. */
export function sessionKey(usesTopicIds: boolean, topic: string, topicId: string, partition: number): string {
  return `${usesTopicIds ? topicId : topic}:${partition}`
}

const all = (n: number): boolean[] => new Array<boolean>(n).fill(true)

/**
 * Kafka's FetchManager.newContext: epoch 0 (a full request that opens a session) and -1 (no session)
 * first close the session the request names; an incremental request (epoch > 0) must name a live
 * session (else FETCH_SESSION_ID_NOT_FOUND) at its current epoch (else INVALID_FETCH_SESSION_EPOCH) with
 * the same kind of topic naming (else FETCH_SESSION_TOPIC_ID_ERROR). It adds or updates the partitions
 * it lists, drops its forgotten ones, and advances the epoch; a session left empty is closed and the
 * request answered without one. Returns an error code instead of a context on a session error.
 */
export function newFetchContext(
  cache: FetchSessionCache,
  version: number,
  request: FetchRequest,
  requested: readonly FetchPartitionParams[],
): FetchContext | number {
  const usesTopicIds = version >= TOPIC_IDS_VERSION
  const { sessionId, sessionEpoch } = request
  if (sessionEpoch === FetchSessionEpoch.Initial || sessionEpoch === FetchSessionEpoch.Final) {
    if (sessionId !== 0) cache.remove(sessionId)
    if (sessionEpoch === FetchSessionEpoch.Final) return sessionless(requested)
    const privileged = (version <= 14 ? request.replicaId : request.replicaState.replicaId) >= 0
    return full(cache, requested, usesTopicIds, privileged)
  }
  const session = cache.get(sessionId)
  if (session === undefined) return ErrorCode.FETCH_SESSION_ID_NOT_FOUND
  if (session.epoch !== sessionEpoch) return ErrorCode.INVALID_FETCH_SESSION_EPOCH
  if (session.usesTopicIds !== usesTopicIds) return ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR
  for (const p of requested) {
    const key = sessionKey(usesTopicIds, p.topic, p.topicId, p.partition)
    const cached = session.partitions.get(key)
    if (cached === undefined) {
      session.partitions.set(key, { ...p, lastHighWatermark: -1, lastLogStartOffset: -1 })
    } else {
      cached.fetchOffset = p.fetchOffset
      cached.partitionMaxBytes = p.partitionMaxBytes
      cached.currentLeaderEpoch = p.currentLeaderEpoch
    }
  }
  for (const f of request.forgottenTopicsData) {
    for (const p of f.partitions) session.partitions.delete(sessionKey(usesTopicIds, f.topic, f.topicId, p))
  }
  if (session.partitions.size === 0) {
    cache.remove(session.id)
    return sessionless(requested)
  }
  cache.touch(session)
  session.epoch = nextSessionEpoch(session.epoch)
  return incremental(session, session.epoch)
}

function sessionless(requested: readonly FetchPartitionParams[]): FetchContext {
  return {
    partitions: requested,
    respond: (data) => ({ errorCode: ErrorCode.NONE, sessionId: 0, include: all(data.length) }),
  }
}

/** A full request that asks for a session: one is created for its partitions if the cache has room. */
function full(
  cache: FetchSessionCache,
  requested: readonly FetchPartitionParams[],
  usesTopicIds: boolean,
  privileged: boolean,
): FetchContext {
  return {
    partitions: requested,
    respond(data) {
      const partitions = new Map<string, SessionPartition>()
      requested.forEach((p, i) => {
        const d = data[i]!
        partitions.set(sessionKey(usesTopicIds, p.topic, p.topicId, p.partition), {
          ...p,
          lastHighWatermark: d.errorCode === ErrorCode.NONE ? d.highWatermark : -1,
          lastLogStartOffset: d.logStartOffset,
        })
      })
      const session = cache.maybeCreate(privileged, usesTopicIds, partitions)
      return { errorCode: ErrorCode.NONE, sessionId: session?.id ?? 0, include: all(data.length) }
    },
  }
}

/** An incremental request: every partition of the session is read, only those with news are sent. */
function incremental(session: FetchSession, expectedEpoch: number): FetchContext {
  const partitions = [...session.partitions.values()]
  return {
    partitions,
    respond(data) {
      // Another request of this session got in while this one waited (a duplicate request).
      if (session.epoch !== expectedEpoch) {
        return {
          errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH,
          sessionId: session.id,
          include: new Array<boolean>(data.length).fill(false),
        }
      }
      const include = partitions.map((sp, i) => {
        const respond = mustRespond(sp, data[i]!)
        // Partitions that returned data go to the back, so the others come first next time (fairness).
        if (respond && (data[i]!.records?.length ?? 0) > 0) {
          const key = sessionKey(session.usesTopicIds, sp.topic, sp.topicId, sp.partition)
          if (session.partitions.get(key) === sp) {
            session.partitions.delete(key)
            session.partitions.set(key, sp)
          }
        }
        return respond
      })
      return { errorCode: ErrorCode.NONE, sessionId: session.id, include }
    },
  }
}

/**
 * Kafka's CachedPartition.maybeUpdateResponseData: a partition is sent when it has records, an error, or
 * a high watermark or log start offset the client has not seen; an error resets the remembered high
 * watermark so the partition is sent again once the error clears.
 */
function mustRespond(sp: SessionPartition, data: FetchResponsePartitionData): boolean {
  let respond = (data.records?.length ?? 0) > 0
  if (sp.lastHighWatermark !== data.highWatermark) {
    respond = true
    sp.lastHighWatermark = data.highWatermark
  }
  if (sp.lastLogStartOffset !== data.logStartOffset) {
    respond = true
    sp.lastLogStartOffset = data.logStartOffset
  }
  if (data.errorCode !== ErrorCode.NONE) {
    sp.lastHighWatermark = -1
    respond = true
  }
  return respond
}
