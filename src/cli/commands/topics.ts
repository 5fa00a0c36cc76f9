import type { Command } from 'commander'
import { Admin } from '../../client/admin.ts'
import { KafkaResponseError } from '../../client/errors.ts'
import { type ConnectionFlags, collect, keyValues, parseIntFlag, table, withBootstrap } from './common.ts'

async function withAdmin<T>(flags: ConnectionFlags, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({
    bootstrapServers: flags.bootstrapServer,
    clientId: 'samsa-cli',
    allowAutoTopicCreation: false,
  })
  try {
    await admin.connect()
    return await fn(admin)
  } finally {
    await admin.close()
  }
}

export function registerTopicsCommand(program: Command): void {
  const topics = program
    .command('topics')
    .description('create, list, describe and delete topics (works against any Kafka cluster)')

  withBootstrap(topics.command('create <topic>'))
    .description('create a topic')
    .option('-p, --partitions <n>', "partition count (default: the broker's num.partitions)")
    .option('-r, --replication-factor <n>', "replication factor (default: the broker's default.replication.factor)")
    .option('-c, --config <key=value>', 'topic config by Kafka name; repeatable', collect, [])
    .option('--if-not-exists', 'succeed when the topic already exists')
    .option('--validate-only', 'check the request without creating the topic')
    .action(
      async (
        topic: string,
        flags: ConnectionFlags & {
          partitions?: string
          replicationFactor?: string
          config: string[]
          ifNotExists?: boolean
          validateOnly?: boolean
        },
      ) => {
        await withAdmin(flags, async (admin) => {
          try {
            const [created] = await admin.createTopics(
              [
                {
                  topic,
                  ...(flags.partitions !== undefined
                    ? { numPartitions: parseIntFlag('--partitions', flags.partitions) }
                    : {}),
                  ...(flags.replicationFactor !== undefined
                    ? { replicationFactor: parseIntFlag('--replication-factor', flags.replicationFactor) }
                    : {}),
                  configs: keyValues('--config', flags.config),
                },
              ],
              { validateOnly: flags.validateOnly === true },
            )
            console.log(
              `${flags.validateOnly === true ? 'Valid' : 'Created'} topic ${topic} (${created?.numPartitions ?? '?'} partitions, replication factor ${created?.replicationFactor ?? '?'}).`,
            )
          } catch (err) {
            if (
              flags.ifNotExists === true &&
              err instanceof KafkaResponseError &&
              err.errorName === 'TOPIC_ALREADY_EXISTS'
            ) {
              console.log(`Topic ${topic} already exists.`)
              return
            }
            throw err
          }
        })
      },
    )

  withBootstrap(topics.command('list'))
    .description('list topics')
    .option('--include-internal', 'include internal topics such as __consumer_offsets')
    .option('--json', 'print JSON')
    .action(async (flags: ConnectionFlags & { includeInternal?: boolean; json?: boolean }) => {
      await withAdmin(flags, async (admin) => {
        const names = (await admin.listTopics({ includeInternal: flags.includeInternal === true })).sort()
        console.log(flags.json === true ? JSON.stringify(names) : names.join('\n'))
      })
    })

  withBootstrap(topics.command('describe [topics...]'))
    .description(
      'describe topics: partitions, leaders, replicas, in-sync replicas and configs (all topics when none is named)',
    )
    .option('--json', 'print JSON')
    .action(async (names: string[], flags: ConnectionFlags & { json?: boolean }) => {
      await withAdmin(flags, async (admin) => {
        const wanted = names.length > 0 ? names : (await admin.listTopics()).sort()
        const described = await admin.describeTopics(wanted)
        const configs = await admin.describeConfigs(described.map((t) => ({ type: 'topic' as const, name: t.name })))
        if (flags.json === true) {
          console.log(
            JSON.stringify(
              described.map((t) => ({
                ...t,
                configs: Object.fromEntries(
                  (configs.find((c) => c.name === t.name)?.configs ?? [])
                    .filter((c) => !c.isDefault)
                    .map((c) => [c.name, c.value]),
                ),
              })),
            ),
          )
          return
        }
        for (const t of described) {
          const overrides = (configs.find((c) => c.name === t.name)?.configs ?? []).filter(
            (c) => c.source === 'DYNAMIC_TOPIC_CONFIG',
          )
          console.log(
            `Topic: ${t.name}\tTopicId: ${t.topicId}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${t.partitions[0]?.replicas.length ?? 0}\tConfigs: ${overrides.map((c) => `${c.name}=${c.value}`).join(',')}`,
          )
          console.log(
            table(
              t.partitions.map((p) => [
                '',
                `Partition: ${p.partition}`,
                `Leader: ${p.leader}`,
                `Replicas: ${p.replicas.join(',')}`,
                `Isr: ${p.isr.join(',')}`,
              ]),
            ),
          )
        }
      })
    })

  withBootstrap(topics.command('delete <topics...>'))
    .description('delete topics')
    .action(async (names: string[], flags: ConnectionFlags) => {
      await withAdmin(flags, async (admin) => {
        await admin.deleteTopics(names)
        console.log(`Deleted ${names.join(', ')}.`)
      })
    })
}
