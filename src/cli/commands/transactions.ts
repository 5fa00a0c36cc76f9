import type { Command } from 'commander'
import { type ConnectionFlags, collect, parseIntFlag, table, withBootstrap } from './common.ts'
import {
  type AbortSpec,
  abortSpecAt,
  abortTransaction,
  describeProducers,
  describeTransaction,
  findHangingTransactions,
  listTransactions,
  withCluster,
} from './transaction-admin.ts'

/**
 * `samsa transactions list|describe|describe-producers|abort|find-hanging`, after Kafka's
 * kafka-transactions.sh: the transactions every broker coordinates (ListTransactions), one transactional
 * id in detail from its coordinator (FindCoordinator key type 1, DescribeTransactions), the producers a
 * partition leader knows (DescribeProducers), and hanging transactions (KIP-664): found from the
 * producers' open transactions against their coordinators, and aborted with a WriteTxnMarkers ABORT.
 * Works against any Kafka cluster.
 */
const DEFAULT_MAX_TRANSACTION_TIMEOUT_MINUTES = 15

export function registerTransactionsCommand(program: Command): void {
  const txns = program
    .command('transactions')
    .description('list, describe and abort transactions, describe producers (works against any Kafka cluster)')

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
        const [state] = await describeProducers(cluster, [{ topic: flags.topic, partition }])
        const producers = state?.producers ?? []
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

  withBootstrap(txns.command('abort'))
    .description('abort a hanging transaction (requires administrative privileges)')
    .requiredOption('--topic <topic>', 'topic name')
    .requiredOption('--partition <n>', 'partition number')
    .option('--start-offset <offset>', 'start offset of the transaction to abort')
    .option('--producer-id <id>', 'producer id (brokers before 3.0)')
    .option('--producer-epoch <epoch>', 'producer epoch (brokers before 3.0)')
    .option('--coordinator-epoch <epoch>', 'coordinator epoch (brokers before 3.0)')
    .action(
      async (
        flags: ConnectionFlags & {
          topic: string
          partition: string
          startOffset?: string
          producerId?: string
          producerEpoch?: string
          coordinatorEpoch?: string
        },
      ) => {
        const tp = { topic: flags.topic, partition: parseIntFlag('--partition', flags.partition) }
        if (flags.startOffset === undefined && flags.producerId === undefined)
          throw new Error(
            'The transaction to abort must be identified either with --start-offset (for brokers on 3.0 or above) or with --producer-id, --producer-epoch, and --coordinator-epoch (for older brokers)',
          )
        await withCluster(flags, async (cluster) => {
          let spec: AbortSpec
          if (flags.startOffset !== undefined) {
            spec = await abortSpecAt(cluster, tp, parseIntFlag('--start-offset', flags.startOffset))
          } else {
            if (flags.producerEpoch === undefined) throw new Error('Missing required argument --producer-epoch')
            if (flags.coordinatorEpoch === undefined) throw new Error('Missing required argument --coordinator-epoch')
            spec = {
              ...tp,
              producerId: parseIntFlag('--producer-id', flags.producerId!),
              producerEpoch: parseIntFlag('--producer-epoch', flags.producerEpoch),
              // -1 (no marker seen yet, as DescribeProducers shows it): 0 is at or below any coordinator epoch.
              coordinatorEpoch: Math.max(0, parseIntFlag('--coordinator-epoch', flags.coordinatorEpoch)),
            }
          }
          try {
            await abortTransaction(cluster, spec)
          } catch (err) {
            throw new Error(
              `Failed to abort transaction ${JSON.stringify(spec)}: ${err instanceof Error ? err.message : String(err)}`,
            )
          }
        })
      },
    )

  withBootstrap(txns.command('find-hanging'))
    .description('find hanging transactions')
    .option('--broker-id <id>', 'broker id to search for hanging transactions')
    .option('--topic <topic>', 'topic name to limit search to')
    .option('--partition <n>', 'partition number')
    .option(
      '--max-transaction-timeout <minutes>',
      'maximum transaction timeout in minutes to limit the scope of the search',
      String(DEFAULT_MAX_TRANSACTION_TIMEOUT_MINUTES),
    )
    .option('--json', 'print JSON')
    .action(
      async (
        flags: ConnectionFlags & {
          brokerId?: string
          topic?: string
          partition?: string
          maxTransactionTimeout: string
          json?: boolean
        },
      ) => {
        if (flags.topic === undefined && flags.brokerId === undefined)
          throw new Error(
            'The `find-hanging` command requires either --topic or --broker-id to limit the scope of the search',
          )
        if (flags.partition !== undefined && flags.topic === undefined)
          throw new Error('The --partition argument requires --topic to be provided')
        const scope = {
          topic: flags.topic ?? null,
          partition: flags.partition === undefined ? null : parseIntFlag('--partition', flags.partition),
          brokerId: flags.brokerId === undefined ? null : parseIntFlag('--broker-id', flags.brokerId),
        }
        const maxTimeoutMs = parseIntFlag('--max-transaction-timeout', flags.maxTransactionTimeout) * 60_000
        await withCluster(flags, async (cluster) => {
          const nowMs = Date.now()
          const hanging = await findHangingTransactions(cluster, scope, maxTimeoutMs, nowMs)
          if (flags.json === true) {
            console.log(JSON.stringify(hanging))
            return
          }
          console.log(
            table([
              [
                'Topic',
                'Partition',
                'ProducerId',
                'ProducerEpoch',
                'CoordinatorEpoch',
                'StartOffset',
                'LastTimestamp',
                'Duration(min)',
              ],
              ...hanging.map((h) => [
                h.topic,
                String(h.partition),
                String(h.producerId),
                String(h.producerEpoch),
                String(h.coordinatorEpoch),
                String(h.startOffset),
                String(h.lastTimestamp),
                String(Math.floor((nowMs - h.lastTimestamp) / 60_000)),
              ]),
            ]),
          )
        })
      },
    )
}
