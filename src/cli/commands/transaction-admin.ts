/**
 * What `samsa transactions` asks a cluster, after Kafka's Admin client and TransactionsCommand:
 * ListTransactions on every broker, DescribeTransactions at a transactional id's coordinator,
 * DescribeProducers at partition leaders, WriteTxnMarkers to abort a hanging transaction (KIP-664), and
 * the search for hanging transactions (open in a partition's producer state for longer than the largest
 * transaction timeout, and unknown to their coordinator).
 */
import { Cluster } from '../../client/cluster.ts'
import type { BrokerConnection } from '../../client/connection.ts'
import { KafkaResponseError } from '../../client/errors.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  type DescribeProducersResponseProducerState,
  decodeDescribeProducersResponse,
  encodeDescribeProducersRequest,
} from '../../protocol/generated/describe-producers.ts'
import {
  type DescribeTransactionsResponseTransactionState,
  decodeDescribeTransactionsResponse,
  encodeDescribeTransactionsRequest,
} from '../../protocol/generated/describe-transactions.ts'
import {
  decodeFindCoordinatorResponse,
  encodeFindCoordinatorRequest,
} from '../../protocol/generated/find-coordinator.ts'
import {
  decodeListTransactionsResponse,
  encodeListTransactionsRequest,
} from '../../protocol/generated/list-transactions.ts'
import {
  decodeWriteTxnMarkersResponse,
  encodeWriteTxnMarkersRequest,
} from '../../protocol/generated/write-txn-markers.ts'
import type { ConnectionFlags } from './common.ts'

const TRANSACTION_KEY_TYPE = 1
/** Single-key FindCoordinator: v1-v3 carry the key type. */
const FIND_COORDINATOR_VERSION_MAX = 3
const LIST_TRANSACTIONS_VERSION_MAX = 1
const WRITE_TXN_MARKERS_VERSION_MAX = 1
/** Partitions per DescribeProducers request in a search (Kafka's FindHangingTransactionsCommand). */
const DESCRIBE_PRODUCERS_BATCH_MAX = 500

export async function withCluster<T>(flags: ConnectionFlags, fn: (cluster: Cluster) => Promise<T>): Promise<T> {
  const cluster = new Cluster({
    bootstrapServers: flags.bootstrapServer,
    clientId: 'samsa-cli',
    allowAutoTopicCreation: false,
  })
  try {
    return await fn(cluster)
  } finally {
    await cluster.close()
  }
}

export interface ListedTransaction {
  transactionalId: string
  coordinator: number
  producerId: number
  transactionState: string
}

export async function listTransactions(
  cluster: Cluster,
  states: readonly string[],
  producerIds: readonly number[],
  durationFilterMs: number,
): Promise<ListedTransaction[]> {
  await cluster.refreshMetadata()
  const out: ListedTransaction[] = []
  for (const nodeId of [...cluster.brokers.keys()].sort((a, b) => a - b)) {
    const res = await cluster.retry(async () => {
      const conn = await cluster.connectionTo(nodeId)
      const version = conn.versionFor(ApiKey.ListTransactions, LIST_TRANSACTIONS_VERSION_MAX)
      if (durationFilterMs >= 0 && version < 1) throw new Error(`broker ${nodeId} does not support --duration-filter`)
      const r = await conn.request(
        ApiKey.ListTransactions,
        version,
        (w, v) =>
          encodeListTransactionsRequest(w, v, {
            stateFilters: [...states],
            producerIdFilters: [...producerIds],
            durationFilter: durationFilterMs,
          }),
        decodeListTransactionsResponse,
      )
      if (r.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(r.errorCode, { resource: `broker ${nodeId}` })
      return r
    })
    if (res.unknownStateFilters.length > 0)
      throw new Error(`unknown transaction states: ${res.unknownStateFilters.join(', ')}`)
    for (const t of res.transactionStates) out.push({ ...t, coordinator: nodeId })
  }
  return out.sort((a, b) => a.transactionalId.localeCompare(b.transactionalId))
}

async function transactionCoordinator(
  cluster: Cluster,
  transactionalId: string,
): Promise<{ nodeId: number; conn: BrokerConnection }> {
  return cluster.retry(async () => {
    const any = await cluster.anyConnection()
    const version = Math.max(1, any.versionFor(ApiKey.FindCoordinator, FIND_COORDINATOR_VERSION_MAX))
    const res = await any.request(
      ApiKey.FindCoordinator,
      version,
      (w, v) =>
        encodeFindCoordinatorRequest(w, v, {
          key: transactionalId,
          keyType: TRANSACTION_KEY_TYPE,
          coordinatorKeys: [],
        }),
      decodeFindCoordinatorResponse,
    )
    if (res.errorCode !== ErrorCode.NONE)
      throw new KafkaResponseError(res.errorCode, { resource: transactionalId, message: res.errorMessage })
    return { nodeId: res.nodeId, conn: await cluster.connectionTo(res.nodeId) }
  })
}

/** DescribeTransactions at the coordinator; TRANSACTIONAL_ID_NOT_FOUND and other errors are thrown. */
export async function describeTransaction(
  cluster: Cluster,
  transactionalId: string,
): Promise<{ coordinator: number; state: DescribeTransactionsResponseTransactionState }> {
  return cluster.retry(async () => {
    const { nodeId, conn } = await transactionCoordinator(cluster, transactionalId)
    const res = await conn.request(
      ApiKey.DescribeTransactions,
      0,
      (w, v) => encodeDescribeTransactionsRequest(w, v, { transactionalIds: [transactionalId] }),
      decodeDescribeTransactionsResponse,
    )
    const state = res.transactionStates[0]
    if (state === undefined) throw new Error(`no answer for ${transactionalId}`)
    if (state.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(state.errorCode, { resource: transactionalId })
    return { coordinator: nodeId, state }
  })
}

export interface TopicPartition {
  readonly topic: string
  readonly partition: number
}

export interface PartitionProducers extends TopicPartition {
  readonly producers: DescribeProducersResponseProducerState[]
}

/**
 * DescribeProducers for `partitions`, one request per broker: each partition's leader, or `brokerId`
 * (a replica) when given. A partition's error is thrown (retried first when retriable).
 */
export async function describeProducers(
  cluster: Cluster,
  partitions: readonly TopicPartition[],
  brokerId: number | null = null,
): Promise<PartitionProducers[]> {
  if (partitions.length === 0) return []
  return cluster.retry(async () => {
    const byBroker = new Map<number, TopicPartition[]>()
    for (const tp of partitions) {
      const nodeId = brokerId ?? (await cluster.leaderFor(tp.topic, tp.partition))
      byBroker.set(nodeId, [...(byBroker.get(nodeId) ?? []), tp])
    }
    const out: PartitionProducers[] = []
    for (const [nodeId, tps] of byBroker) {
      const conn = await cluster.connectionTo(nodeId)
      const topics = [...new Set(tps.map((tp) => tp.topic))].map((name) => ({
        name,
        partitionIndexes: tps.filter((tp) => tp.topic === name).map((tp) => tp.partition),
      }))
      const res = await conn.request(
        ApiKey.DescribeProducers,
        0,
        (w, v) => encodeDescribeProducersRequest(w, v, { topics }),
        decodeDescribeProducersResponse,
      )
      for (const t of res.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== ErrorCode.NONE)
            throw new KafkaResponseError(p.errorCode, {
              resource: t.name,
              partition: p.partitionIndex,
              message: p.errorMessage,
            })
          out.push({ topic: t.name, partition: p.partitionIndex, producers: p.activeProducers })
        }
      }
    }
    return out
  })
}

/** Kafka's AbortTransactionSpec: the transaction of one producer on one partition. */
export interface AbortSpec extends TopicPartition {
  readonly producerId: number
  readonly producerEpoch: number
  readonly coordinatorEpoch: number
}

/**
 * The abort of the transaction starting at `startOffset` (Kafka's buildAbortSpec): the producer whose open
 * transaction there the leader reports, with the coordinator epoch of its last marker (0 when it never
 * had one, which no coordinator's epoch is below).
 */
export async function abortSpecAt(cluster: Cluster, tp: TopicPartition, startOffset: number): Promise<AbortSpec> {
  const [state] = await describeProducers(cluster, [tp])
  const p = state?.producers.find((x) => x.currentTxnStartOffset === startOffset)
  if (p === undefined)
    throw new Error(
      `Could not find any open transactions starting at offset ${startOffset} on partition ${tp.topic}-${tp.partition}`,
    )
  return {
    ...tp,
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    coordinatorEpoch: Math.max(0, p.coordinatorEpoch),
  }
}

/** Kafka's Admin.abortTransaction: an ABORT marker through WriteTxnMarkers at the partition's leader. */
export async function abortTransaction(cluster: Cluster, spec: AbortSpec): Promise<void> {
  await cluster.retry(async () => {
    const conn = await cluster.leaderConnection(spec.topic, spec.partition)
    const res = await conn.request(
      ApiKey.WriteTxnMarkers,
      conn.versionFor(ApiKey.WriteTxnMarkers, WRITE_TXN_MARKERS_VERSION_MAX),
      (w, v) =>
        encodeWriteTxnMarkersRequest(w, v, {
          markers: [
            {
              producerId: spec.producerId,
              producerEpoch: spec.producerEpoch,
              transactionResult: false,
              topics: [{ name: spec.topic, partitionIndexes: [spec.partition] }],
              coordinatorEpoch: spec.coordinatorEpoch,
            },
          ],
        }),
      decodeWriteTxnMarkersResponse,
    )
    const errorCode = res.markers[0]?.topics[0]?.partitions[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR
    if (errorCode !== ErrorCode.NONE)
      throw new KafkaResponseError(errorCode, { resource: spec.topic, partition: spec.partition })
  })
}

export interface HangingTransaction extends TopicPartition {
  readonly producerId: number
  readonly producerEpoch: number
  readonly coordinatorEpoch: number
  readonly startOffset: number
  readonly lastTimestamp: number
}

/**
 * Kafka's FindHangingTransactionsCommand: the partitions of `topic` (one when `partition` is given) or of
 * every topic with a replica on `brokerId`; their producers with a transaction open and no write for
 * longer than `maxTransactionTimeoutMs`; of those, the ones whose producer id no coordinator lists, whose
 * transactional id is gone, or whose coordinator does not count the partition in the transaction.
 */
export async function findHangingTransactions(
  cluster: Cluster,
  scope: { topic: string | null; partition: number | null; brokerId: number | null },
  maxTransactionTimeoutMs: number,
  nowMs: number,
): Promise<HangingTransaction[]> {
  const partitions = await partitionsToSearch(cluster, scope)
  const candidates: HangingTransaction[] = []
  for (let i = 0; i < partitions.length; i += DESCRIBE_PRODUCERS_BATCH_MAX) {
    const batch = partitions.slice(i, i + DESCRIBE_PRODUCERS_BATCH_MAX)
    for (const { topic, partition, producers } of await describeProducers(cluster, batch, scope.brokerId)) {
      for (const p of producers) {
        if (p.currentTxnStartOffset < 0 || nowMs - p.lastTimestamp <= maxTransactionTimeoutMs) continue
        candidates.push({
          topic,
          partition,
          producerId: p.producerId,
          producerEpoch: p.producerEpoch,
          coordinatorEpoch: p.coordinatorEpoch,
          startOffset: p.currentTxnStartOffset,
          lastTimestamp: p.lastTimestamp,
        })
      }
    }
  }
  if (candidates.length === 0) return []
  const producerIds = [...new Set(candidates.map((c) => c.producerId))]
  const transactionalIds = new Map<number, string>()
  for (const t of await listTransactions(cluster, [], producerIds, -1))
    if (producerIds.includes(t.producerId)) transactionalIds.set(t.producerId, t.transactionalId)
  const described = new Map<string, DescribeTransactionsResponseTransactionState | null>()
  for (const id of new Set(transactionalIds.values())) {
    try {
      described.set(id, (await describeTransaction(cluster, id)).state)
    } catch (err) {
      if (!(err instanceof KafkaResponseError) || err.errorCode !== ErrorCode.TRANSACTIONAL_ID_NOT_FOUND) throw err
      described.set(id, null)
    }
  }
  return candidates.filter((c) => {
    const id = transactionalIds.get(c.producerId)
    const d = id === undefined ? null : (described.get(id) ?? null)
    // Ongoing, or Prepare* with this partition's marker still to come: the coordinator will end it.
    return d === null || !d.topics.some((t) => t.topic === c.topic && t.partitions.includes(c.partition))
  })
}

async function partitionsToSearch(
  cluster: Cluster,
  scope: { topic: string | null; partition: number | null; brokerId: number | null },
): Promise<TopicPartition[]> {
  if (scope.topic !== null && scope.partition !== null) return [{ topic: scope.topic, partition: scope.partition }]
  const metadata = await cluster.retry(() => cluster.metadata(scope.topic === null ? null : [scope.topic]))
  const out: TopicPartition[] = []
  for (const t of metadata.topics) {
    if (t.name === null) continue
    if (t.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(t.errorCode, { resource: t.name })
    for (const p of t.partitions) {
      if (scope.brokerId === null || p.replicaNodes.includes(scope.brokerId))
        out.push({ topic: t.name, partition: p.partitionIndex })
    }
  }
  return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
}
