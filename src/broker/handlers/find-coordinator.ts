/**
 * FindCoordinator (key 10), versions 0-6.
 *
 * Version notes: v1 adds key_type (0 group, 1 transaction) and error messages; v2 is v1; v3 is flexible;
 * v4 batches several coordinator_keys with one result each (KIP-699); v5 allows TRANSACTION_ABORTABLE;
 * v6 adds key type 2 (share groups, KIP-932).
 *
 * Groups: the first lookup creates `__consumer_offsets` through the controller (as Kafka's broker
 * auto-creates it), then the answer is the leader of the group's partition on the request's listener.
 * v0-3 answer errors with node -1, host "" and port -1, and success with error_message "NONE" (Kafka's
 * Errors.NONE.message()).
 *
 * Transactions (key type 1): the first lookup creates `__transaction_state` the same way, then the answer
 * is the leader of the transactional id's partition.
 *
 * Not yet: share groups (key type 2 is INVALID_REQUEST, as on a broker without a share coordinator).
 */
import { CONSUMER_OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC } from '../../metadata/topic-names.ts'
import { ErrorCode, errorInfo } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeFindCoordinatorRequest,
  encodeFindCoordinatorResponse,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
  type FindCoordinatorResponseCoordinator,
} from '../../protocol/generated/find-coordinator.ts'
import { defineHandler, type RequestContext } from '../handler.ts'

type Services = 'groupCoordinator' | 'txnCoordinator' | 'metadata'

const KeyType = { Group: 0, Transaction: 1, Share: 2 } as const

function coordinator(key: string, errorCode: number, node?: { nodeId: number; host: string; port: number }) {
  const result: FindCoordinatorResponseCoordinator = {
    key,
    nodeId: node?.nodeId ?? -1,
    host: node?.host ?? '',
    port: node?.port ?? -1,
    errorCode,
    errorMessage: null,
  }
  return result
}

async function findGroupCoordinator(
  ctx: RequestContext<Services>,
  key: string,
): Promise<FindCoordinatorResponseCoordinator> {
  const gc = ctx.services.groupCoordinator
  try {
    await gc.ensureOffsetsTopic()
  } catch {
    return coordinator(key, ErrorCode.COORDINATOR_NOT_AVAILABLE)
  }
  return leaderOf(ctx, key, CONSUMER_OFFSETS_TOPIC, gc.partitionFor(key))
}

async function findTransactionCoordinator(
  ctx: RequestContext<Services>,
  key: string,
): Promise<FindCoordinatorResponseCoordinator> {
  const tc = ctx.services.txnCoordinator
  try {
    await tc.ensureTransactionStateTopic()
  } catch {
    return coordinator(key, ErrorCode.COORDINATOR_NOT_AVAILABLE)
  }
  return leaderOf(ctx, key, TRANSACTION_STATE_TOPIC, tc.partitionFor(key))
}

/** The leader of a coordinator topic's partition on the request's listener. */
function leaderOf(
  ctx: RequestContext<Services>,
  key: string,
  topic: string,
  partition: number,
): FindCoordinatorResponseCoordinator {
  const image = ctx.services.metadata()
  const reg = image.topics.getPartition(topic, partition)
  const broker = reg === undefined || reg.leader < 0 ? undefined : image.cluster.brokers.get(reg.leader)
  const endpoint = broker?.fenced === false ? broker.listeners.find((l) => l.name === ctx.listenerName) : undefined
  if (broker === undefined || endpoint === undefined) return coordinator(key, ErrorCode.COORDINATOR_NOT_AVAILABLE)
  return coordinator(key, ErrorCode.NONE, { nodeId: broker.id, host: endpoint.host, port: endpoint.port })
}

function find(
  ctx: RequestContext<Services>,
  keyType: number,
  key: string,
): Promise<FindCoordinatorResponseCoordinator> {
  switch (keyType) {
    case KeyType.Group:
      return findGroupCoordinator(ctx, key)
    case KeyType.Transaction:
      return findTransactionCoordinator(ctx, key)
    default:
      return Promise.resolve(coordinator(key, ErrorCode.INVALID_REQUEST))
  }
}

function singleKeyResponse(c: FindCoordinatorResponseCoordinator): FindCoordinatorResponse {
  return {
    throttleTimeMs: 0,
    errorCode: c.errorCode,
    errorMessage: c.errorCode === ErrorCode.NONE ? 'NONE' : errorInfo(c.errorCode).message,
    nodeId: c.nodeId,
    host: c.host,
    port: c.port,
    coordinators: [],
  }
}

export const findCoordinatorHandler = defineHandler<FindCoordinatorRequest, FindCoordinatorResponse, Services>({
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  decodeRequest: decodeFindCoordinatorRequest,
  encodeResponse: encodeFindCoordinatorResponse,
  async handle(ctx, request) {
    if (ctx.apiVersion < 4) return singleKeyResponse(await find(ctx, request.keyType, request.key))
    const coordinators = await Promise.all(request.coordinatorKeys.map((k) => find(ctx, request.keyType, k)))
    return { ...singleKeyResponse(coordinator('', ErrorCode.NONE)), errorMessage: null, coordinators }
  },
  errorResponse: (request, errorCode, version) => {
    if (version < 4) return singleKeyResponse(coordinator(request.key, errorCode))
    return {
      ...singleKeyResponse(coordinator('', ErrorCode.NONE)),
      errorMessage: null,
      coordinators: request.coordinatorKeys.map((k) => coordinator(k, errorCode)),
    }
  },
})
