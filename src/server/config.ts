import { readFile } from 'node:fs/promises'
import type { BrokerConfigEntry, BrokerConfigSynonym, BrokerConfigView } from '../broker/services.ts'
import { ConfigError, SamsaErrorCode } from '../common/errors.ts'
import { validateServerLogDefaults } from '../storage/log-config.ts'

/**
 * Broker configuration with Apache Kafka's property names and defaults, read from a
 * server.properties-style file and overridden by SAMSA_* environment variables and then by explicit
 * overrides (CLI flags, startBroker options). Unknown keys and invalid values fail at start-up with a
 * message naming the key.
 */
export type ConfigType = 'int' | 'long' | 'double' | 'boolean' | 'string' | 'list' | 'password'

export interface BrokerConfigDef {
  readonly name: string
  readonly type: ConfigType
  /** Kafka's default, as Kafka prints it; null = no default. */
  readonly default: string | null
  readonly doc: string
  /** Extra check; returns a message (without the key) when the value is invalid. */
  readonly validate?: (value: string) => string | null
  /** Accepted for compatibility with Kafka's server.properties but without effect in Samsa. */
  readonly inert?: boolean
  /** Can be changed at run time with IncrementalAlterConfigs (dynamic broker config). */
  readonly dynamic?: boolean
}

const LONG_MAX = '9223372036854775807'

const atLeast =
  (min: number) =>
  (v: string): string | null =>
    Number(v) >= min ? null : `must be at least ${min}`
const oneOf =
  (...allowed: string[]) =>
  (v: string): string | null =>
    allowed.includes(v) ? null : `must be one of ${allowed.join(', ')}`
const between =
  (min: number, max: number) =>
  (v: string): string | null =>
    Number(v) >= min && Number(v) <= max ? null : `must be between ${min} and ${max}`
const listOf =
  (...allowed: string[]) =>
  (v: string): string | null =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .every((s) => allowed.includes(s))
      ? null
      : `must be a list of ${allowed.join(', ')}`

/** Kafka broker properties Samsa understands. Topic-level defaults (log.*) feed storage's LogConfig. */
export const BROKER_CONFIG_DEFS: readonly BrokerConfigDef[] = [
  { name: 'node.id', type: 'int', default: '1', doc: 'The node id of this server.', validate: atLeast(0) },
  { name: 'broker.id', type: 'int', default: '-1', doc: 'Alias of node.id (ZooKeeper-era name).' },
  {
    name: 'process.roles',
    type: 'list',
    default: 'broker,controller',
    doc: 'The roles this process plays: broker, controller or both.',
    validate: (v) =>
      v.split(',').every((r) => ['broker', 'controller'].includes(r.trim()))
        ? null
        : 'roles are broker and/or controller',
  },
  {
    name: 'listeners',
    type: 'list',
    default: 'PLAINTEXT://127.0.0.1:9092',
    doc: 'Comma-separated listener URIs: NAME://host:port.',
  },
  {
    name: 'advertised.listeners',
    type: 'list',
    default: null,
    doc: 'Listeners to publish to clients, if different from listeners.',
  },
  {
    name: 'listener.security.protocol.map',
    type: 'list',
    default: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    doc: 'Listener name to security protocol.',
  },
  { name: 'inter.broker.listener.name', type: 'string', default: null, doc: 'Listener used between brokers.' },
  { name: 'controller.listener.names', type: 'list', default: null, doc: 'Listeners used by the controller.' },
  {
    name: 'controller.quorum.voters',
    type: 'list',
    default: '',
    doc: 'The voters of the metadata quorum: id@host:port,...',
  },
  {
    name: 'controller.quorum.bootstrap.servers',
    type: 'list',
    default: '',
    doc: 'Bootstrap servers of the metadata quorum.',
  },
  { name: 'log.dirs', type: 'list', default: null, doc: 'Directories holding the log data; log.dir when unset.' },
  {
    name: 'log.dir',
    type: 'string',
    default: './data',
    doc: 'The directory holding the log data (used when log.dirs is unset).',
  },
  {
    name: 'metadata.log.dir',
    type: 'string',
    default: null,
    doc: 'Directory of the metadata log; the first log dir when unset.',
  },
  {
    name: 'num.partitions',
    type: 'int',
    default: '1',
    doc: 'Default partition count of auto-created topics.',
    validate: atLeast(1),
  },
  {
    name: 'default.replication.factor',
    type: 'int',
    default: '1',
    doc: 'Default replication factor of auto-created topics.',
    validate: atLeast(1),
  },
  {
    name: 'auto.create.topics.enable',
    type: 'boolean',
    default: 'true',
    doc: 'Create topics on Metadata requests that ask for it.',
  },
  { name: 'delete.topic.enable', type: 'boolean', default: 'true', doc: 'Allow DeleteTopics.' },
  {
    name: 'message.max.bytes',
    type: 'int',
    default: '1048588',
    doc: 'Largest record batch size allowed (topic: max.message.bytes).',
    validate: atLeast(0),
    dynamic: true,
  },
  {
    name: 'socket.request.max.bytes',
    type: 'int',
    default: '104857600',
    doc: 'Largest request frame accepted.',
    validate: atLeast(1),
  },
  {
    name: 'connections.max.idle.ms',
    type: 'long',
    default: '600000',
    doc: 'Idle connections are closed after this long.',
  },
  {
    name: 'queued.max.requests',
    type: 'int',
    default: '500',
    doc: 'Requests served at once per connection before reading pauses.',
    validate: atLeast(1),
  },
  {
    name: 'fetch.max.bytes',
    type: 'int',
    default: '57671680',
    doc: 'Largest Fetch response the broker builds.',
    validate: atLeast(1024),
  },
  {
    name: 'max.incremental.fetch.session.cache.slots',
    type: 'int',
    default: '1000',
    doc: 'The maximum number of incremental fetch sessions (KIP-227) kept.',
    validate: atLeast(0),
  },
  {
    name: 'replica.fetch.max.bytes',
    type: 'int',
    default: '1048576',
    doc: 'Bytes fetched per partition by followers.',
  },
  {
    name: 'log.segment.bytes',
    type: 'int',
    default: '1073741824',
    doc: 'Segment file size.',
    validate: atLeast(14),
    dynamic: true,
  },
  {
    name: 'log.roll.ms',
    type: 'long',
    default: null,
    doc: 'Segment age before a roll; log.roll.hours when unset.',
    dynamic: true,
  },
  {
    name: 'log.roll.hours',
    type: 'int',
    default: '168',
    doc: 'Segment age before a roll, in hours.',
    validate: atLeast(1),
  },
  {
    name: 'log.roll.jitter.ms',
    type: 'long',
    default: null,
    doc: 'Random jitter subtracted from the roll time.',
    dynamic: true,
  },
  {
    name: 'log.roll.jitter.hours',
    type: 'int',
    default: '0',
    doc: 'Random jitter subtracted from the roll time, in hours.',
    validate: atLeast(0),
  },
  {
    name: 'log.retention.ms',
    type: 'long',
    default: null,
    doc: 'Retention time; minutes/hours when unset; -1 = forever.',
    dynamic: true,
  },
  { name: 'log.retention.minutes', type: 'int', default: null, doc: 'Retention time in minutes.' },
  { name: 'log.retention.hours', type: 'int', default: '168', doc: 'Retention time in hours.' },
  {
    name: 'log.retention.bytes',
    type: 'long',
    default: '-1',
    doc: 'Size retention per partition; -1 = unlimited.',
    dynamic: true,
  },
  {
    name: 'log.retention.check.interval.ms',
    type: 'long',
    default: '300000',
    doc: 'How often retention runs.',
    validate: atLeast(1),
  },
  {
    name: 'log.initial.task.delay.ms',
    type: 'long',
    default: '30000',
    doc: 'Delay before the first retention and checkpoint tasks after start-up (Kafka internal config).',
    validate: atLeast(0),
  },
  {
    name: 'log.index.interval.bytes',
    type: 'int',
    default: '4096',
    doc: 'Bytes between offset index entries.',
    validate: atLeast(0),
    dynamic: true,
  },
  {
    name: 'log.index.size.max.bytes',
    type: 'int',
    default: '10485760',
    doc: 'Largest offset index file.',
    validate: atLeast(4),
    dynamic: true,
  },
  {
    name: 'log.cleanup.policy',
    type: 'list',
    default: 'delete',
    doc: 'delete and/or compact.',
    validate: listOf('compact', 'delete'),
    dynamic: true,
  },
  {
    name: 'log.flush.interval.messages',
    type: 'long',
    default: LONG_MAX,
    doc: 'Messages between fsyncs.',
    validate: atLeast(1),
    dynamic: true,
  },
  { name: 'log.flush.interval.ms', type: 'long', default: null, doc: 'Time between fsyncs.', dynamic: true },
  {
    name: 'log.flush.scheduler.interval.ms',
    type: 'long',
    default: LONG_MAX,
    doc: 'How often logs are checked for a time-based flush.',
  },
  {
    name: 'log.flush.offset.checkpoint.interval.ms',
    type: 'int',
    default: '60000',
    doc: 'How often the recovery point is checkpointed.',
    validate: atLeast(0),
  },
  {
    name: 'log.flush.start.offset.checkpoint.interval.ms',
    type: 'int',
    default: '60000',
    doc: 'How often log start offsets are checkpointed.',
    validate: atLeast(0),
  },
  {
    name: 'replica.high.watermark.checkpoint.interval.ms',
    type: 'long',
    default: '5000',
    doc: 'How often high watermarks are checkpointed.',
  },
  {
    name: 'log.segment.delete.delay.ms',
    type: 'long',
    default: '60000',
    doc: 'Delay before a deleted segment file is removed.',
    validate: atLeast(0),
    dynamic: true,
  },
  {
    name: 'log.message.timestamp.type',
    type: 'string',
    default: 'CreateTime',
    doc: 'CreateTime or LogAppendTime.',
    validate: oneOf('CreateTime', 'LogAppendTime'),
    dynamic: true,
  },
  {
    name: 'log.message.timestamp.before.max.ms',
    type: 'long',
    default: LONG_MAX,
    doc: 'How far in the past a CreateTime may be.',
    validate: atLeast(0),
    dynamic: true,
  },
  {
    name: 'log.message.timestamp.after.max.ms',
    type: 'long',
    default: LONG_MAX,
    doc: 'How far in the future a CreateTime may be.',
    validate: atLeast(0),
    dynamic: true,
  },
  {
    name: 'log.message.downconversion.enable',
    type: 'boolean',
    default: 'true',
    doc: 'Down-convert for old Fetch versions.',
    dynamic: true,
  },
  {
    name: 'log.preallocate',
    type: 'boolean',
    default: 'false',
    doc: 'Accepted for compatibility; Samsa does not preallocate segment files (they grow as written).',
    inert: true,
    dynamic: true,
  },
  { name: 'log.cleaner.enable', type: 'boolean', default: 'true', doc: 'Run the log cleaner.' },
  {
    name: 'log.cleaner.threads',
    type: 'int',
    default: '1',
    doc: 'Log cleaner threads: logs cleaned at the same time, each on a worker thread.',
    validate: atLeast(1),
    dynamic: true,
  },
  {
    name: 'log.cleaner.delete.retention.ms',
    type: 'long',
    default: '86400000',
    doc: 'Tombstone lifetime.',
    validate: atLeast(0),
    dynamic: true,
  },
  {
    name: 'log.cleaner.min.compaction.lag.ms',
    type: 'long',
    default: '0',
    doc: 'Minimum age before compaction.',
    validate: atLeast(0),
    dynamic: true,
  },
  {
    name: 'log.cleaner.max.compaction.lag.ms',
    type: 'long',
    default: LONG_MAX,
    doc: 'Maximum age before compaction.',
    validate: atLeast(1),
    dynamic: true,
  },
  {
    name: 'log.cleaner.min.cleanable.ratio',
    type: 'double',
    default: '0.5',
    doc: 'Dirty ratio that triggers cleaning.',
    validate: between(0, 1),
    dynamic: true,
  },
  {
    name: 'log.cleaner.backoff.ms',
    type: 'long',
    default: '15000',
    doc: 'Sleep when nothing is cleanable.',
    validate: atLeast(1),
    dynamic: true,
  },
  {
    name: 'log.cleaner.dedupe.buffer.size',
    type: 'long',
    default: '134217728',
    doc: 'Memory for the key -> offset maps of all cleaner threads.',
    validate: atLeast(1024 * 1024),
    dynamic: true,
  },
  {
    name: 'log.cleaner.io.buffer.size',
    type: 'int',
    default: '524288',
    doc: 'Read and write buffer of each cleaner thread.',
    validate: atLeast(4096),
    dynamic: true,
  },
  {
    name: 'log.cleaner.io.buffer.load.factor',
    type: 'double',
    default: '0.9',
    doc: 'Fill ratio of the dedupe maps.',
    // Kafka declares no range, but its offset map cannot work outside it (a full map, or no key at all).
    validate: (v) => (Number(v) > 0 && Number(v) < 1 ? null : 'must be greater than 0 and less than 1'),
    dynamic: true,
  },
  {
    name: 'log.cleaner.io.max.bytes.per.second',
    type: 'double',
    default: '1.7976931348623157E308',
    doc: 'I/O rate limit of the cleaner threads (read plus write).',
    validate: (v) => (Number(v) > 0 ? null : 'must be positive'),
    dynamic: true,
  },
  {
    name: 'compression.type',
    type: 'string',
    default: 'producer',
    doc: 'Final compression of topic data.',
    validate: oneOf('producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'),
    dynamic: true,
  },
  {
    name: 'min.insync.replicas',
    type: 'int',
    default: '1',
    doc: 'Replicas that must acknowledge acks=all.',
    validate: atLeast(1),
    dynamic: true,
  },
  {
    name: 'unclean.leader.election.enable',
    type: 'boolean',
    default: 'false',
    doc: 'Allow out-of-sync replicas to lead.',
    dynamic: true,
  },
  {
    name: 'offsets.topic.num.partitions',
    type: 'int',
    default: '50',
    doc: 'Partitions of __consumer_offsets.',
    validate: atLeast(1),
  },
  {
    name: 'offsets.topic.replication.factor',
    type: 'int',
    default: '3',
    doc: 'Replication of __consumer_offsets, capped at the brokers available.',
    validate: atLeast(1),
  },
  {
    name: 'offsets.topic.segment.bytes',
    type: 'int',
    default: '104857600',
    doc: 'Segment size of __consumer_offsets.',
    validate: atLeast(1),
  },
  {
    name: 'offsets.retention.minutes',
    type: 'int',
    default: '10080',
    doc: 'Committed offsets of empty groups expire after this.',
    validate: atLeast(1),
  },
  {
    name: 'offsets.retention.check.interval.ms',
    type: 'long',
    default: '600000',
    doc: 'How often expired offsets are removed.',
    validate: atLeast(1),
  },
  { name: 'offset.metadata.max.bytes', type: 'int', default: '4096', doc: 'Largest commit metadata string.' },
  {
    name: 'offsets.load.buffer.size',
    type: 'int',
    default: '5242880',
    doc: 'Read size while loading offsets.',
    inert: true,
  },
  { name: 'offsets.commit.timeout.ms', type: 'int', default: '5000', doc: 'Commit wait for replication.', inert: true },
  {
    name: 'group.initial.rebalance.delay.ms',
    type: 'int',
    default: '3000',
    doc: 'Delay of the first rebalance of a new group.',
  },
  {
    name: 'group.min.session.timeout.ms',
    type: 'int',
    default: '6000',
    doc: 'Smallest session timeout a member may ask for.',
  },
  {
    name: 'group.max.session.timeout.ms',
    type: 'int',
    default: '1800000',
    doc: 'Largest session timeout a member may ask for.',
  },
  { name: 'group.max.size', type: 'int', default: '2147483647', doc: 'Members per group.', validate: atLeast(1) },
  {
    name: 'group.coordinator.rebalance.protocols',
    type: 'list',
    default: 'classic,consumer',
    doc: 'Enabled rebalance protocols.',
  },
  { name: 'group.consumer.session.timeout.ms', type: 'int', default: '45000', doc: 'KIP-848 session timeout.' },
  { name: 'group.consumer.heartbeat.interval.ms', type: 'int', default: '5000', doc: 'KIP-848 heartbeat interval.' },
  { name: 'group.consumer.max.size', type: 'int', default: '2147483647', doc: 'KIP-848 members per group.' },
  { name: 'group.consumer.assignors', type: 'list', default: 'uniform,range', doc: 'KIP-848 server-side assignors.' },
  {
    name: 'transaction.state.log.num.partitions',
    type: 'int',
    default: '50',
    doc: 'Partitions of __transaction_state.',
    validate: atLeast(1),
  },
  {
    name: 'transaction.state.log.replication.factor',
    type: 'int',
    default: '3',
    doc: 'Replication of __transaction_state, capped at the brokers available.',
  },
  {
    name: 'transaction.state.log.min.isr',
    type: 'int',
    default: '2',
    doc: 'min.insync.replicas of __transaction_state, capped likewise.',
  },
  {
    name: 'transaction.state.log.segment.bytes',
    type: 'int',
    default: '104857600',
    doc: 'Segment size of __transaction_state.',
  },
  {
    name: 'transaction.max.timeout.ms',
    type: 'int',
    default: '900000',
    doc: 'Largest transaction timeout a producer may ask for.',
  },
  {
    name: 'transactional.id.expiration.ms',
    type: 'int',
    default: '604800000',
    doc: 'Idle transactional ids expire after this.',
  },
  {
    name: 'transaction.abort.timed.out.transaction.cleanup.interval.ms',
    type: 'int',
    default: '10000',
    doc: 'How often timed-out transactions are aborted.',
    validate: atLeast(1),
  },
  {
    name: 'transaction.remove.expired.transaction.cleanup.interval.ms',
    type: 'int',
    default: '3600000',
    doc: 'How often transactional ids idle past transactional.id.expiration.ms are removed.',
    validate: atLeast(1),
  },
  {
    name: 'transaction.partition.verification.enable',
    type: 'boolean',
    default: 'true',
    doc: 'Verify with the transaction coordinator that a partition is in the transaction before its first transactional write (KIP-890).',
    dynamic: true,
  },
  { name: 'producer.id.expiration.ms', type: 'int', default: '86400000', doc: 'Idle producer ids expire after this.' },
  {
    name: 'producer.id.expiration.check.interval.ms',
    type: 'int',
    default: '600000',
    doc: 'How often producer ids are expired.',
    validate: atLeast(1),
  },
  { name: 'replica.lag.time.max.ms', type: 'long', default: '30000', doc: 'Followers behind this long leave the ISR.' },
  {
    name: 'unstable.api.versions.enable',
    type: 'boolean',
    default: 'false',
    doc: 'Advertise unstable API versions.',
    inert: true,
  },
  // Accepted so an unchanged Kafka server.properties starts; threads and buffers are Node's business here.
  { name: 'num.network.threads', type: 'int', default: '3', doc: 'Kafka network threads.', inert: true },
  { name: 'num.io.threads', type: 'int', default: '8', doc: 'Kafka I/O threads.', inert: true },
  { name: 'num.recovery.threads.per.data.dir', type: 'int', default: '2', doc: 'Kafka recovery threads.', inert: true },
  { name: 'num.replica.fetchers', type: 'int', default: '1', doc: 'Kafka replica fetcher threads.', inert: true },
  { name: 'socket.send.buffer.bytes', type: 'int', default: '102400', doc: 'SO_SNDBUF.', inert: true },
  { name: 'socket.receive.buffer.bytes', type: 'int', default: '102400', doc: 'SO_RCVBUF.', inert: true },
  {
    name: 'group.coordinator.threads',
    type: 'int',
    default: '1',
    doc: 'Kafka group coordinator threads.',
    inert: true,
  },
  {
    name: 'initial.broker.registration.timeout.ms',
    type: 'int',
    default: '60000',
    doc: 'KRaft registration wait.',
    inert: true,
  },
  {
    name: 'share.coordinator.state.topic.replication.factor',
    type: 'int',
    default: '3',
    doc: 'Share groups (not served).',
    inert: true,
  },
  {
    name: 'share.coordinator.state.topic.min.isr',
    type: 'int',
    default: '2',
    doc: 'Share groups (not served).',
    inert: true,
  },
]

const DEFS = new Map(BROKER_CONFIG_DEFS.map((d) => [d.name, d]))

export function brokerConfigDef(name: string): BrokerConfigDef | undefined {
  return DEFS.get(name)
}

/** Where a value came from, in DescribeConfigs' vocabulary. */
export type ConfigSource =
  | 'DEFAULT_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'

function checkType(def: BrokerConfigDef, value: string): string | null {
  switch (def.type) {
    case 'int': {
      if (!/^-?\d+$/.test(value.trim())) return 'must be an integer'
      const n = Number(value)
      return n >= -(2 ** 31) && n <= 2 ** 31 - 1 ? null : 'must fit a 32-bit integer'
    }
    case 'long': {
      if (!/^-?\d+$/.test(value.trim())) return 'must be an integer'
      const n = BigInt(value.trim())
      return n >= -(2n ** 63n) && n <= 2n ** 63n - 1n ? null : 'must fit a 64-bit integer'
    }
    case 'double':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? null : 'must be a number'
    case 'boolean':
      return /^(true|false)$/i.test(value.trim()) ? null : 'must be true or false'
    default:
      return null
  }
}

/** Parses Java-properties text: key=value or key: value, # and ! comments, \ line continuations. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>()
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim()
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.trim()
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line)
    if (m === null) out.set(line, '')
    else out.set(m[1]!, m[2]!)
  }
  return out
}

/**
 * SAMSA_* environment variables, named as Kafka's container images do: upper case, '.' → '_',
 * '_' → '__', '-' → '___'. So SAMSA_LOG_DIRS is log.dirs and SAMSA_NUM_PARTITIONS is num.partitions.
 */
export function propertiesFromEnv(env: NodeJS.ProcessEnv): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith('SAMSA_') || v === undefined) continue
    const rest = k.slice('SAMSA_'.length)
    if (rest === 'LOG_LEVEL') continue
    const name = rest.toLowerCase().replace(/_+/g, (m) => (m.length === 1 ? '.' : m.length === 2 ? '_' : '-'))
    out.set(name, v)
  }
  return out
}

export interface ListenerConfig {
  name: string
  host: string
  port: number
}

export function parseListeners(key: string, value: string): ListenerConfig[] {
  const out: ListenerConfig[] = []
  for (const item of value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const m = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(item)
    if (m === null)
      throw new ConfigError(
        SamsaErrorCode.ConfigInvalid,
        key,
        `Invalid value ${item} for configuration ${key}: expected NAME://host:port`,
      )
    const port = Number(m[3])
    if (port > 65535)
      throw new ConfigError(
        SamsaErrorCode.ConfigInvalid,
        key,
        `Invalid value ${item} for configuration ${key}: port out of range`,
      )
    out.push({ name: m[1]!.toUpperCase(), host: m[2]!.replace(/^\[|\]$/g, ''), port })
  }
  return out
}

/** The effective broker configuration: every known key, its value and where that value came from. */
export class BrokerConfig implements BrokerConfigView {
  readonly #values = new Map<string, string | null>()
  readonly #sources = new Map<string, ConfigSource>()
  /** The static configuration under dynamic layers (this instance when there are none). */
  #static: BrokerConfig = this
  #dynamicBroker: ReadonlyMap<string, string> = new Map()
  #dynamicDefault: ReadonlyMap<string, string> = new Map()

  private constructor() {}

  /**
   * Layers the given property maps (later wins) over Kafka's defaults and validates the result.
   * Throws ConfigError naming the first unknown or invalid key.
   */
  static from(...layers: ReadonlyMap<string, string>[]): BrokerConfig {
    const c = new BrokerConfig()
    for (const d of BROKER_CONFIG_DEFS) {
      c.#values.set(d.name, d.default)
      c.#sources.set(d.name, 'DEFAULT_CONFIG')
    }
    for (const layer of layers) {
      for (const [key, raw] of layer) {
        const def = DEFS.get(key)
        if (def === undefined)
          throw new ConfigError(SamsaErrorCode.ConfigUnknownKey, key, `Unknown configuration ${key}`)
        const value = raw.trim()
        const problem = checkType(def, value) ?? def.validate?.(value) ?? null
        if (problem !== null)
          throw new ConfigError(
            SamsaErrorCode.ConfigInvalid,
            key,
            `Invalid value ${value} for configuration ${key}: ${problem}`,
          )
        c.#values.set(key, value)
        c.#sources.set(key, 'STATIC_BROKER_CONFIG')
      }
    }
    c.#validateCombination()
    return c
  }

  static async fromFile(path: string, ...overrides: ReadonlyMap<string, string>[]): Promise<BrokerConfig> {
    const text = await readFile(path, 'utf8')
    return BrokerConfig.from(parseProperties(text), ...overrides)
  }

  #validateCombination(): void {
    parseListeners('listeners', this.getString('listeners'))
    const adv = this.get('advertised.listeners')
    if (adv !== null) parseListeners('advertised.listeners', adv)
    // Kafka's KafkaConfig.validateValues: retention is unlimited (-1, or any negative) or at least 1 ms.
    const retention = this.#retentionMsSetting()
    if (retention !== null && retention.ms === 0n)
      throw new ConfigError(
        SamsaErrorCode.ConfigInvalid,
        retention.key,
        `Invalid value ${this.getString(retention.key)} for configuration ${retention.key}: retention must be unlimited (-1) or at least 1 ms`,
      )
    // The topic defaults must make a valid topic config, as Kafka's LogManager requires at start-up.
    const problem = validateServerLogDefaults(this.logDefaults())
    if (problem !== null) throw new ConfigError(SamsaErrorCode.ConfigInvalid, problem.key, problem.message)
    const cleaner = cleanerCombinationProblem(this)
    if (cleaner !== null) throw new ConfigError(SamsaErrorCode.ConfigInvalid, cleaner.key, cleaner.message)
  }

  /** The retention time the broker sets (log.retention.ms, else minutes, else hours), with its property. */
  #retentionMsSetting(): { key: string; ms: bigint } | null {
    for (const [key, unit] of [
      ['log.retention.ms', 1n],
      ['log.retention.minutes', 60_000n],
      ['log.retention.hours', 3_600_000n],
    ] as const) {
      const v = this.get(key)
      if (v !== null) return { key, ms: BigInt(v) * unit }
    }
    return null
  }

  get(key: string): string | null {
    if (!this.#values.has(key)) throw new Error(`not a broker config: ${key}`)
    return this.#values.get(key) ?? null
  }

  getString(key: string): string {
    const v = this.get(key)
    if (v === null) throw new ConfigError(SamsaErrorCode.ConfigInvalid, key, `Missing required configuration ${key}`)
    return v
  }

  getInt(key: string): number {
    return Number(this.getString(key))
  }

  /** long values beyond 2^53 (Long.MAX_VALUE means "never") are clamped to Number.MAX_SAFE_INTEGER. */
  getLong(key: string): number {
    const n = BigInt(this.getString(key))
    return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n)
  }

  getBoolean(key: string): boolean {
    return this.getString(key).toLowerCase() === 'true'
  }

  getList(key: string): string[] {
    const v = this.get(key)
    if (v === null) return []
    return v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
  }

  source(key: string): ConfigSource {
    return this.#sources.get(key) ?? 'DEFAULT_CONFIG'
  }

  /** Every key with its effective value, for DescribeConfigs on the broker resource. */
  entries(): [string, string | null][] {
    return [...this.#values.entries()]
  }

  /** A copy with a dynamic change applied (IncrementalAlterConfigs on a broker); null value = delete. */
  withDynamic(changes: ReadonlyMap<string, string | null>, source: ConfigSource): BrokerConfig {
    const c = new BrokerConfig()
    for (const [k, v] of this.#values) c.#values.set(k, v)
    for (const [k, s] of this.#sources) c.#sources.set(k, s)
    for (const [k, v] of changes) {
      const def = DEFS.get(k)
      if (def === undefined) throw new ConfigError(SamsaErrorCode.ConfigUnknownKey, k, `Unknown configuration ${k}`)
      if (v === null) {
        c.#values.set(k, def.default)
        c.#sources.set(k, 'DEFAULT_CONFIG')
      } else {
        c.#values.set(k, v)
        c.#sources.set(k, source)
      }
    }
    return c
  }

  // ---- derived values the code uses

  get nodeId(): number {
    const brokerId = this.getInt('broker.id')
    return this.source('node.id') === 'DEFAULT_CONFIG' && brokerId >= 0 ? brokerId : this.getInt('node.id')
  }

  get logDirs(): string[] {
    const dirs = this.getList('log.dirs')
    return dirs.length > 0 ? dirs : [this.getString('log.dir')]
  }

  get metadataLogDir(): string {
    return this.get('metadata.log.dir') ?? this.logDirs[0]!
  }

  get listeners(): ListenerConfig[] {
    return parseListeners('listeners', this.getString('listeners'))
  }

  /** advertised.listeners, or listeners; a wildcard host is advertised as 127.0.0.1. */
  get advertisedListeners(): ListenerConfig[] {
    const adv = this.get('advertised.listeners')
    const list = adv !== null ? parseListeners('advertised.listeners', adv) : this.listeners
    return list.map((l) => ({
      ...l,
      host: l.host === '' || l.host === '0.0.0.0' || l.host === '::' ? '127.0.0.1' : l.host,
    }))
  }

  /**
   * Broker properties set explicitly (file, environment, flags or dynamically), keyed by name. Storage's
   * LogConfig resolves topic defaults from them through Kafka's synonyms (log.retention.ms, then
   * minutes, then hours...); unset properties fall back to Kafka's defaults, which are the same values.
   */
  logDefaults(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [name, value] of this.#values) {
      if (value !== null && this.#sources.get(name) !== 'DEFAULT_CONFIG') out[name] = value
    }
    return out
  }

  /**
   * This static configuration with the dynamic broker configs of the metadata log on top (Kafka's
   * DynamicBrokerConfig): the cluster-wide defaults (ConfigRecords for broker "") and then this node's
   * own (broker "<node.id>"). Values that are unknown, not dynamic or invalid are skipped and returned in
   * `skipped`, so one bad record never keeps a broker from starting.
   */
  withDynamicLayers(
    clusterDefault: ReadonlyMap<string, string>,
    perBroker: ReadonlyMap<string, string>,
  ): { config: BrokerConfig; skipped: { key: string; message: string }[] } {
    const base = this.#static
    const c = new BrokerConfig()
    for (const [k, v] of base.#values) c.#values.set(k, v)
    for (const [k, src] of base.#sources) c.#sources.set(k, src)
    c.#static = base
    const skipped: { key: string; message: string }[] = []
    const apply = (layer: ReadonlyMap<string, string>, source: ConfigSource): Map<string, string> => {
      const kept = new Map<string, string>()
      for (const [key, raw] of layer) {
        const message = dynamicValueProblem(key, raw)
        if (message !== null) {
          skipped.push({ key, message })
          continue
        }
        c.#values.set(key, raw.trim())
        c.#sources.set(key, source)
        kept.set(key, raw.trim())
      }
      return kept
    }
    c.#dynamicDefault = apply(clusterDefault, 'DYNAMIC_DEFAULT_BROKER_CONFIG')
    c.#dynamicBroker = apply(perBroker, 'DYNAMIC_BROKER_CONFIG')
    return { config: c, skipped }
  }

  /** The layers that set `key`, highest priority first (Kafka's DescribeConfigs synonyms), without the default. */
  synonymsOf(key: string): BrokerConfigSynonym[] {
    const out: BrokerConfigSynonym[] = []
    const def = DEFS.get(key)
    const hide = (v: string | null): string | null => (def?.type === 'password' ? null : v)
    const own = this.#dynamicBroker.get(key)
    if (own !== undefined) out.push({ name: key, value: hide(own), source: 'DYNAMIC_BROKER_CONFIG' })
    const cluster = this.#dynamicDefault.get(key)
    if (cluster !== undefined) out.push({ name: key, value: hide(cluster), source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' })
    if (this.#static.#sources.get(key) === 'STATIC_BROKER_CONFIG')
      out.push({ name: key, value: hide(this.#static.#values.get(key) ?? null), source: 'STATIC_BROKER_CONFIG' })
    return out
  }

  /** Every property as DescribeConfigs reports it on a broker resource. */
  describe(): BrokerConfigEntry[] {
    return BROKER_CONFIG_DEFS.map((d) => {
      const synonyms = this.synonymsOf(d.name)
      if (d.default !== null)
        synonyms.push({ name: d.name, value: d.type === 'password' ? null : d.default, source: 'DEFAULT_CONFIG' })
      return {
        name: d.name,
        value: d.type === 'password' ? null : (this.#values.get(d.name) ?? null),
        source: this.#sources.get(d.name) ?? 'DEFAULT_CONFIG',
        isSensitive: d.type === 'password',
        readOnly: d.dynamic !== true,
        type: d.type,
        documentation: d.doc,
        synonyms,
      }
    })
  }
}

/** Kafka's KafkaConfig requirement that each cleaner thread gets more than 1 MiB of dedupe buffer. */
function cleanerCombinationProblem(config: BrokerConfig): { key: string; message: string } | null {
  const perThread = Math.floor(config.getLong('log.cleaner.dedupe.buffer.size') / config.getInt('log.cleaner.threads'))
  if (perThread > 1024 * 1024) return null
  return {
    key: 'log.cleaner.dedupe.buffer.size',
    message: 'log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.',
  }
}

/**
 * Kafka's LogCleaner.validateReconfiguration: log.cleaner.threads may change by at most a factor of two
 * at a time (at least half, at most double the current value).
 */
function cleanerThreadsChangeProblem(current: BrokerConfig, next: BrokerConfig): string | null {
  const threads = next.getInt('log.cleaner.threads')
  const currentThreads = current.getInt('log.cleaner.threads')
  if (threads < Math.floor(currentThreads / 2))
    return `Log cleaner threads cannot be reduced to less than half the current value ${currentThreads}`
  if (threads > currentThreads * 2)
    return `Log cleaner threads cannot be increased to more than double the current value ${currentThreads}`
  return null
}

/** Why `raw` cannot be a dynamic value of `key` (Kafka's DynamicBrokerConfig.validate), or null. */
export function dynamicValueProblem(key: string, raw: string): string | null {
  const def = DEFS.get(key)
  if (def === undefined) return `Unknown broker config ${key}`
  if (def.dynamic !== true) return `Cannot update these configs dynamically: Set(${key})`
  const value = raw.trim()
  const problem = checkType(def, value) ?? def.validate?.(value) ?? null
  return problem === null ? null : `Invalid value ${value} for configuration ${key}: ${problem}`
}

/** The broker-config knowledge the controller needs to validate dynamic broker configs. */
export interface DynamicBrokerConfigSchema {
  validate(
    resourceName: string,
    overrides: ReadonlyMap<string, string>,
    changedKeys: readonly string[],
  ): { errorCode: number; message: string } | null
  isList(key: string): boolean
  defaultValue(key: string): string | null
}

/** Kafka answers INVALID_REQUEST for broker configs that fail validation (KAFKA-13609). */
const INVALID_REQUEST = 42

/**
 * Validation of a change to the dynamic configs of broker resource `resourceName` ('' = cluster default):
 * every key set must be a known dynamic config with a valid value; the result must keep more than 1 MiB
 * of dedupe buffer per cleaner thread, change log.cleaner.threads by at most a factor of two, and still
 * build a valid topic configuration from its topic defaults. `layers()` gives both dynamic layers as they
 * stand (the cluster default, and this node's own).
 */
export function dynamicBrokerConfigSchema(
  staticConfig: BrokerConfig,
  layers: () => { clusterDefault: ReadonlyMap<string, string>; perBroker: ReadonlyMap<string, string> },
  checkTopicDefaults: (config: BrokerConfig) => string | null,
): DynamicBrokerConfigSchema {
  return {
    validate(resourceName, overrides, changedKeys) {
      for (const key of changedKeys) {
        const value = overrides.get(key)
        if (value === undefined) continue
        const problem = dynamicValueProblem(key, value)
        if (problem !== null) return { errorCode: INVALID_REQUEST, message: problem }
      }
      const { clusterDefault, perBroker } = layers()
      const current = staticConfig.withDynamicLayers(clusterDefault, perBroker).config
      const { config } =
        resourceName === ''
          ? staticConfig.withDynamicLayers(overrides, perBroker)
          : staticConfig.withDynamicLayers(clusterDefault, overrides)
      const cleaner = cleanerCombinationProblem(config)
      if (cleaner !== null) return { errorCode: INVALID_REQUEST, message: cleaner.message }
      const threads = cleanerThreadsChangeProblem(current, config)
      if (threads !== null) {
        return {
          errorCode: INVALID_REQUEST,
          message: `Invalid dynamic configuration of log.cleaner.threads=${config.getInt('log.cleaner.threads')}: ${threads}`,
        }
      }
      const topicProblem = checkTopicDefaults(config)
      return topicProblem === null ? null : { errorCode: INVALID_REQUEST, message: topicProblem }
    },
    isList: (key) => DEFS.get(key)?.type === 'list',
    defaultValue: (key) => DEFS.get(key)?.default ?? null,
  }
}
