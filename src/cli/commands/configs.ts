import type { Command } from 'commander'
import { Admin, type ConfigEntry, type ConfigResource } from '../../client/admin.ts'
import { KafkaResponseError } from '../../client/errors.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeIncrementalAlterConfigsResponse,
  encodeIncrementalAlterConfigsRequest,
} from '../../protocol/generated/incremental-alter-configs.ts'
import { type ConnectionFlags, withBootstrap } from './common.ts'

/**
 * `samsa configs describe|alter`, after Kafka's kafka-configs tool: one entity (--topic, --broker or
 * --broker-defaults), changes with --add-config k=v,k2=[a,b] and --delete-config k,k2, sent as one
 * IncrementalAlterConfigs request (SET and DELETE), so they apply atomically per resource.
 */

interface EntityFlags extends ConnectionFlags {
  topic?: string
  broker?: string
  brokerDefaults?: boolean
}

const INCREMENTAL_ALTER_CONFIGS_VERSION_MAX = 1
const OP_SET = 0
const OP_DELETE = 1
const RESOURCE_TOPIC = 2
const RESOURCE_BROKER = 4

function entityOf(flags: EntityFlags): ConfigResource & { label: string } {
  const chosen = [flags.topic !== undefined, flags.broker !== undefined, flags.brokerDefaults === true].filter(Boolean)
  if (chosen.length !== 1)
    throw new Error('name exactly one entity: --topic <name>, --broker <id> or --broker-defaults')
  if (flags.topic !== undefined) return { type: 'topic', name: flags.topic, label: `topic ${flags.topic}` }
  if (flags.broker !== undefined) {
    if (!/^\d+$/.test(flags.broker)) throw new Error(`--broker expects a broker id, got ${flags.broker}`)
    return { type: 'broker', name: flags.broker, label: `broker ${flags.broker}` }
  }
  return { type: 'broker', name: '', label: 'brokers in the cluster (default)' }
}

/** kafka-configs' --add-config syntax: k=v pairs separated by commas; a value with commas goes in [..]. */
export function parseAddConfig(text: string): Map<string, string> {
  const out = new Map<string, string>()
  let i = 0
  while (i < text.length) {
    const eq = text.indexOf('=', i)
    if (eq < 0) throw new Error(`--add-config expects key=value pairs, got ${text.slice(i)}`)
    const key = text.slice(i, eq).trim()
    let value: string
    if (text[eq + 1] === '[') {
      const close = text.indexOf(']', eq + 2)
      if (close < 0) throw new Error(`unterminated [ in the value of ${key}`)
      value = text.slice(eq + 2, close)
      i = close + 1
      if (i < text.length && text[i] !== ',') throw new Error(`expected , after ]`)
      i++
    } else {
      const comma = text.indexOf(',', eq + 1)
      value = text.slice(eq + 1, comma < 0 ? text.length : comma)
      i = comma < 0 ? text.length : comma + 1
    }
    if (key === '') throw new Error('--add-config has an empty key')
    out.set(key, value)
  }
  return out
}

export function parseDeleteConfig(text: string): string[] {
  return text
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '')
}

function formatEntry(e: ConfigEntry): string {
  const synonyms = e.synonyms.map((s) => `${s.source}:${s.name}=${s.value ?? ''}`).join(', ')
  return `  ${e.name}=${e.sensitive ? '<sensitive>' : (e.value ?? 'null')} sensitive=${e.sensitive} synonyms={${synonyms}}`
}

async function describe(
  admin: Admin,
  entity: ConfigResource & { label: string },
  all: boolean,
  json: boolean,
): Promise<void> {
  const [described] = await admin.describeConfigs([{ type: entity.type, name: entity.name }])
  const entries = (described?.configs ?? []).filter((e) => {
    if (all) return true
    if (entity.type === 'topic') return e.source === 'DYNAMIC_TOPIC_CONFIG'
    return entity.name === '' ? e.source === 'DYNAMIC_DEFAULT_BROKER_CONFIG' : e.source === 'DYNAMIC_BROKER_CONFIG'
  })
  if (json) {
    console.log(JSON.stringify(Object.fromEntries(entries.map((e) => [e.name, e.value]))))
    return
  }
  console.log(`${all ? 'All' : 'Dynamic'} configs for ${entity.label} are:`)
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) console.log(formatEntry(e))
}

async function alter(
  admin: Admin,
  entity: ConfigResource & { label: string },
  set: ReadonlyMap<string, string>,
  remove: readonly string[],
): Promise<void> {
  if (set.size === 0 && remove.length === 0)
    throw new Error('nothing to alter: give --add-config and/or --delete-config')
  const cluster = admin.cluster
  const configs = [
    ...[...set].map(([name, value]) => ({ name, configOperation: OP_SET, value })),
    ...remove.map((name) => ({ name, configOperation: OP_DELETE, value: null })),
  ]
  const response = await cluster.retry(async () => {
    const conn =
      entity.type === 'broker' && entity.name !== ''
        ? await cluster.connectionTo(Number(entity.name))
        : await cluster.anyConnection()
    const version = conn.versionFor(ApiKey.IncrementalAlterConfigs, INCREMENTAL_ALTER_CONFIGS_VERSION_MAX)
    return conn.request(
      ApiKey.IncrementalAlterConfigs,
      version,
      (w, v) =>
        encodeIncrementalAlterConfigsRequest(w, v, {
          resources: [
            {
              resourceType: entity.type === 'topic' ? RESOURCE_TOPIC : RESOURCE_BROKER,
              resourceName: entity.name,
              configs,
            },
          ],
          validateOnly: false,
        }),
      decodeIncrementalAlterConfigsResponse,
    )
  })
  const result = response.responses[0]
  if (result === undefined) throw new Error('empty IncrementalAlterConfigs response')
  if (result.errorCode !== ErrorCode.NONE)
    throw new KafkaResponseError(result.errorCode, { resource: entity.name, message: result.errorMessage })
  console.log(`Completed updating config for ${entity.label}.`)
}

function withEntity(cmd: Command): Command {
  return withBootstrap(cmd)
    .option('--topic <name>', 'a topic')
    .option('--broker <id>', 'one broker, by node id')
    .option('--broker-defaults', 'the cluster-wide default of every broker')
}

export function registerConfigsCommand(program: Command): void {
  const configs = program
    .command('configs')
    .description('describe and alter topic and broker configs (like kafka-configs; works against any Kafka cluster)')

  withEntity(configs.command('describe'))
    .description('show the dynamic configs (overrides) of a topic or broker, or --all of them with their sources')
    .option('--all', 'every config, not only the overrides')
    .option('--json', 'print JSON (name -> value)')
    .action(async (flags: EntityFlags & { all?: boolean; json?: boolean }) => {
      const entity = entityOf(flags)
      await withAdmin(flags, (admin) => describe(admin, entity, flags.all === true, flags.json === true))
    })

  withEntity(configs.command('alter'))
    .description('set and delete overrides of a topic or broker (applied live, kept in the metadata log)')
    .option('--add-config <k=v,...>', 'configs to set; a value holding commas goes in brackets: k=[a,b]')
    .option('--delete-config <k,...>', 'overrides to remove (back to the broker or Kafka default)')
    .action(async (flags: EntityFlags & { addConfig?: string; deleteConfig?: string }) => {
      const entity = entityOf(flags)
      const set = flags.addConfig === undefined ? new Map<string, string>() : parseAddConfig(flags.addConfig)
      const remove = flags.deleteConfig === undefined ? [] : parseDeleteConfig(flags.deleteConfig)
      await withAdmin(flags, (admin) => alter(admin, entity, set, remove))
    })
}

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
