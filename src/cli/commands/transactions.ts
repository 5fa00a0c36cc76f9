import type { Command } from 'commander'
import { Cluster } from '../../client/cluster.ts'
import type { BrokerConnection } from '../../client/connection.ts'
import { KafkaResponseError } from '../../client/errors.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
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
import { type ConnectionFlags, collect, parseIntFlag, table, withBootstrap } from './common.ts'

/**
 * `samsa transactions list|describe|describe-producers`, after Kafka's kafka-transactions.sh: the
 * transactions every broker coordinates (ListTransactions), one transactional id in detail from its
 * coordinator (FindCoordinator key type 1, DescribeTransactions), and the producers a partition leader
 * knows (DescribeProducers). Works against any Kafka cluster.
 */
const TRANSACTION_KEY_TYPE = 1
/** Single-key FindCoordinator: v1-v3 carry the key type. */
const FIND_COORDINATOR_VERSION_MAX = 3
const LIST_TRANSACTIONS_VERSION_MAX = 1

async function withCluster<T>(flags: ConnectionFlags, fn: (cluster: Cluster) => Promise<T>): Promise<T> {
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

async function listTransactions(
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

async function describeTransaction(
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

export function registerTransactionsCommand(program: Command): void {
  const txns = program
    .command('transactions')
    .description('list and describe transactions and producers (works against any Kafka cluster)')

  withBootstrap(txns.command('list'))
    .description('list the transactional ids of every coordinator')
    .option(
      '--state <state>',
      'only transactions in this state (Ongoing, CompleteCommit, ...); repeatable',
      collect,
      [],
    )
    .option('--producer-id <id>', 'only this producer id; repeatable', collect, [])
    .option('--duration-filter <ms>', 'only transactions running longer than this')
    .option('--json', 'print JSON')
    .action(
      async (
        flags: ConnectionFlags & { state: string[]; producerId: string[]; durationFilter?: string; json?: boolean },
      ) => {
        await withCluster(flags, async (cluster) => {
          const list = await listTransactions(
            cluster,
            flags.state,
            flags.producerId.map((p) => parseIntFlag('--producer-id', p)),
            flags.durationFilter === undefined ? -1 : parseIntFlag('--duration-filter', flags.durationFilter),
          )
          if (flags.json === true) {
            console.log(JSON.stringify(list))
            return
          }
          console.log(
            table([
              ['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState'],
              ...list.map((t) => [t.transactionalId, String(t.coordinator), String(t.producerId), t.transactionState]),
            ]),
          )
        })
      },
    )

  withBootstrap(txns.command('describe'))
    .description('describe one transactional id, from its coordinator')
    .requiredOption('--transactional-id <id>', 'the transactional id')
    .option('--json', 'print JSON')
    .action(async (flags: ConnectionFlags & { transactionalId: string; json?: boolean }) => {
      await withCluster(flags, async (cluster) => {
        const { coordinator, state: s } = await describeTransaction(cluster, flags.transactionalId)
        const partitions = s.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p}`))
        const durationMs = s.transactionStartTimeMs >= 0 ? Date.now() - s.transactionStartTimeMs : -1
        if (flags.json === true) {
          console.log(JSON.stringify({ coordinator, ...s, topicPartitions: partitions }))
          return
        }
        console.log(
          table([
            [
              'CoordinatorId',
              'TransactionalId',
              'ProducerId',
              'ProducerEpoch',
              'TransactionState',
              'TransactionTimeoutMs',
              'CurrentTransactionStartTimeMs',
              'TransactionDurationMs',
              'TopicPartitions',
            ],
            [
              String(coordinator),
              s.transactionalId,
              String(s.producerId),
              String(s.producerEpoch),
              s.transactionState,
              String(s.transactionTimeoutMs),
              s.transactionStartTimeMs >= 0 ? String(s.transactionStartTimeMs) : 'None',
              durationMs >= 0 ? String(durationMs) : 'None',
              partitions.join(',') || 'None',
            ],
          ]),
        )
      })
    })

  withBootstrap(txns.command('describe-producers'))
    .description("describe the producers a partition's leader knows")
    .requiredOption('--topic <topic>', 'the topic')
    .requiredOption('--partition <n>', 'the partition')
    .option('--json', 'print JSON')
    .action(async (flags: ConnectionFlags & { topic: string; partition: string; json?: boolean }) => {
      await withCluster(flags, async (cluster) => {
        const partition = parseIntFlag('--partition', flags.partition)
        const producers = await cluster.retry(async () => {
          const conn = await cluster.leaderConnection(flags.topic, partition)
          const res = await conn.request(
            ApiKey.DescribeProducers,
            0,
            (w, v) =>
              encodeDescribeProducersRequest(w, v, { topics: [{ name: flags.topic, partitionIndexes: [partition] }] }),
            decodeDescribeProducersResponse,
          )
          const p = res.topics[0]?.partitions[0]
          if (p === undefined) throw new Error(`no answer for ${flags.topic}-${partition}`)
          if (p.errorCode !== ErrorCode.NONE)
            throw new KafkaResponseError(p.errorCode, { resource: flags.topic, partition, message: p.errorMessage })
          return p.activeProducers
        })
        if (flags.json === true) {
          console.log(JSON.stringify(producers))
          return
        }
        console.log(
          table([
            [
              'ProducerId',
              'ProducerEpoch',
              'LatestCoordinatorEpoch',
              'LastSequence',
              'LastTimestamp',
              'CurrentTransactionStartOffset',
            ],
            ...producers.map((p) => [
              String(p.producerId),
              String(p.producerEpoch),
              String(p.coordinatorEpoch),
              String(p.lastSequence),
              String(p.lastTimestamp),
              p.currentTxnStartOffset >= 0 ? String(p.currentTxnStartOffset) : 'None',
            ]),
          ]),
        )
      })
    })
}
