/**
 * Topic-level log configs: Kafka's names, types, defaults, server-default synonyms and validation, declared
 * once as data (Kafka's LogConfig.CONFIG + ServerTopicConfigSynonyms). The broker uses this table for
 * CreateTopics/AlterConfigs validation and DescribeConfigs; the log uses the typed `LogConfig` built from it.
 *
 * Values travel as strings, exactly as Kafka prints them. Long values may exceed 2^53 (Long.MAX_VALUE is
 * the default of several keys): they are parsed with BigInt, validated in the int64 range, and clamped to
 * Number.MAX_SAFE_INTEGER in the numeric `LogConfig` field, while the original string stays in `values`.
 */

export type LogConfigType = 'int' | 'long' | 'double' | 'boolean' | 'string' | 'list'

/** A server property that supplies a topic config's default, with the unit conversion it needs. */
export interface LogConfigSynonym {
  readonly name: string
  /** Multiplier from the server property's unit to the topic config's unit (hours -> ms = 3600000). */
  readonly multiplier: number
}

export interface LogConfigDefinition {
  readonly name: string
  readonly type: LogConfigType
  /** The default as Kafka prints it in DescribeConfigs (lists comma-joined; '' for an empty list). */
  readonly default: string
  /** The highest-priority server property synonym (Kafka's "Server Default Property"), or null. */
  readonly serverDefaultProperty: string | null
  /** Every server synonym in priority order, with its unit conversion. */
  readonly serverSynonyms: readonly LogConfigSynonym[]
  /** Returns an error message naming the key, or null when `value` is valid. */
  readonly validate: (value: string) => string | null
  readonly documentation: string
}

export const LONG_MAX_VALUE = '9223372036854775807'
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1
const MS_PER_MINUTE = 60_000
const MS_PER_HOUR = 3_600_000

export const CompressionTypeName = {
  Uncompressed: 'uncompressed',
  Zstd: 'zstd',
  Lz4: 'lz4',
  Snappy: 'snappy',
  Gzip: 'gzip',
  Producer: 'producer',
} as const
export type CompressionTypeName = (typeof CompressionTypeName)[keyof typeof CompressionTypeName]

export const MessageTimestampType = { CreateTime: 'CreateTime', LogAppendTime: 'LogAppendTime' } as const
export type MessageTimestampType = (typeof MessageTimestampType)[keyof typeof MessageTimestampType]

export const CleanupPolicy = { Delete: 'delete', Compact: 'compact' } as const
export type CleanupPolicy = (typeof CleanupPolicy)[keyof typeof CleanupPolicy]

function invalid(name: string, value: string, reason: string): string {
  return `Invalid value ${value} for configuration ${name}: ${reason}`
}

function parseJavaInteger(value: string): bigint | null {
  const t = value.trim()
  if (!/^[+-]?\d+$/.test(t)) return null
  return BigInt(t)
}

interface RangeSpec {
  readonly min?: bigint
  readonly max?: bigint
}

function integerValidator(name: string, type: 'int' | 'long', range: RangeSpec): (value: string) => string | null {
  const lo = type === 'int' ? BigInt(INT32_MIN) : INT64_MIN
  const hi = type === 'int' ? BigInt(INT32_MAX) : INT64_MAX
  return (value) => {
    const v = parseJavaInteger(value)
    if (v === null || v < lo || v > hi) return invalid(name, value, `Not a number of type ${type.toUpperCase()}`)
    if (range.min !== undefined && range.max !== undefined && (v < range.min || v > range.max)) {
      return invalid(name, value, `Value must be in the range [${range.min}, ${range.max}]`)
    }
    if (range.min !== undefined && v < range.min) return invalid(name, value, `Value must be at least ${range.min}`)
    if (range.max !== undefined && v > range.max) return invalid(name, value, `Value must be no more than ${range.max}`)
    return null
  }
}

function doubleValidator(name: string, min: number, max: number): (value: string) => string | null {
  return (value) => {
    const t = value.trim()
    const v = t === '' ? Number.NaN : Number(t)
    if (!Number.isFinite(v)) return invalid(name, value, 'Not a number of type DOUBLE')
    if (v < min || v > max) return invalid(name, value, `Value must be in the range [${min}, ${max}]`)
    return null
  }
}

function booleanValidator(name: string): (value: string) => string | null {
  return (value) => {
    const t = value.trim().toLowerCase()
    return t === 'true' || t === 'false' ? null : invalid(name, value, 'Expected value to be either true or false')
  }
}

function stringInValidator(name: string, allowed: readonly string[]): (value: string) => string | null {
  return (value) =>
    allowed.includes(value.trim()) ? null : invalid(name, value, `String must be one of: ${allowed.join(', ')}`)
}

export function parseList(value: string): string[] {
  const t = value.trim()
  if (t === '') return []
  return t.split(/\s*,\s*/)
}

function listInValidator(name: string, allowed: readonly string[]): (value: string) => string | null {
  return (value) => {
    for (const item of parseList(value)) {
      if (!allowed.includes(item)) return invalid(name, value, `String must be one of: ${allowed.join(', ')}`)
    }
    return null
  }
}

function throttledReplicasValidator(name: string): (value: string) => string | null {
  return (value) => {
    const items = parseList(value)
    if (items.length === 1 && items[0] === '*') return null
    for (const item of items) {
      if (!/^\d+:\d+$/.test(item)) {
        return invalid(name, value, 'Must be the wildcard (*) or of the form partitionId:brokerId,partitionId:brokerId')
      }
    }
    return null
  }
}

function metadataVersionValidator(name: string): (value: string) => string | null {
  return (value) =>
    /^\d+\.\d+(\.\d+)?(-IV\d+)?$/.test(value.trim()) ? null : invalid(name, value, 'Not a valid metadata version')
}

const logPrefix = (name: string): LogConfigSynonym[] => [{ name: `log.${name}`, multiplier: 1 }]
const cleanerPrefix = (name: string): LogConfigSynonym[] => [{ name: `log.cleaner.${name}`, multiplier: 1 }]
const same = (name: string): LogConfigSynonym[] => [{ name, multiplier: 1 }]

interface Spec {
  name: string
  type: LogConfigType
  default: string
  synonyms: LogConfigSynonym[]
  validate: (name: string) => (value: string) => string | null
  doc: string
}

const int =
  (range: RangeSpec = {}) =>
  (name: string) =>
    integerValidator(name, 'int', range)
const long =
  (range: RangeSpec = {}) =>
  (name: string) =>
    integerValidator(name, 'long', range)

const SPECS: Spec[] = [
  {
    name: 'cleanup.policy',
    type: 'list',
    default: 'delete',
    synonyms: logPrefix('cleanup.policy'),
    validate: (n) => listInValidator(n, [CleanupPolicy.Compact, CleanupPolicy.Delete]),
    doc: 'The retention policy for old log segments: "delete" discards segments past the retention time or size; "compact" keeps the latest value per key; both may be listed.',
  },
  {
    name: 'compression.gzip.level',
    type: 'int',
    default: '-1',
    synonyms: same('compression.gzip.level'),
    validate: (n) => (value) => {
      const err = integerValidator(n, 'int', {})(value)
      if (err !== null) return err
      const v = Number(value.trim())
      return v === -1 || (v >= 1 && v <= 9) ? null : invalid(n, value, 'Value must be between 1 and 9 or equal to -1')
    },
    doc: 'The compression level to use if compression.type is set to gzip.',
  },
  {
    name: 'compression.lz4.level',
    type: 'int',
    default: '9',
    synonyms: same('compression.lz4.level'),
    validate: (n) => integerValidator(n, 'int', { min: 1n, max: 17n }),
    doc: "The compression level to use if compression.type is set to lz4. Accepted and validated as Kafka does; Samsa's LZ4 codec has a single (fast) level, so the value has no effect.",
  },
  {
    name: 'compression.type',
    type: 'string',
    default: 'producer',
    synonyms: same('compression.type'),
    validate: (n) => stringInValidator(n, Object.values(CompressionTypeName)),
    doc: "The final compression type for a topic: 'gzip', 'snappy', 'lz4', 'zstd', 'uncompressed', or 'producer' to keep the producer's codec.",
  },
  {
    name: 'compression.zstd.level',
    type: 'int',
    default: '3',
    synonyms: same('compression.zstd.level'),
    validate: (n) => integerValidator(n, 'int', { min: -131072n, max: 22n }),
    doc: 'The compression level to use if compression.type is set to zstd.',
  },
  {
    name: 'delete.retention.ms',
    type: 'long',
    default: '86400000',
    synonyms: cleanerPrefix('delete.retention.ms'),
    validate: long({ min: 0n }),
    doc: 'How long delete tombstones are retained in compacted topics.',
  },
  {
    name: 'file.delete.delay.ms',
    type: 'long',
    default: '60000',
    synonyms: logPrefix('segment.delete.delay.ms'),
    validate: long({ min: 0n }),
    doc: 'The time to wait before deleting a file from the filesystem.',
  },
  {
    name: 'flush.messages',
    type: 'long',
    default: LONG_MAX_VALUE,
    synonyms: logPrefix('flush.interval.messages'),
    validate: long({ min: 1n }),
    doc: 'Force an fsync of the log after this many messages. By default the OS flushes and replication provides durability.',
  },
  {
    name: 'flush.ms',
    type: 'long',
    default: LONG_MAX_VALUE,
    synonyms: [
      { name: 'log.flush.interval.ms', multiplier: 1 },
      { name: 'log.flush.scheduler.interval.ms', multiplier: 1 },
    ],
    validate: long({ min: 0n }),
    doc: 'Force an fsync of the log after this many milliseconds. By default the OS flushes and replication provides durability.',
  },
  {
    name: 'follower.replication.throttled.replicas',
    type: 'list',
    default: '',
    synonyms: [],
    validate: throttledReplicasValidator,
    doc: 'Replicas whose log replication is throttled on the follower side: partitionId:brokerId pairs, or * for all.',
  },
  {
    name: 'index.interval.bytes',
    type: 'int',
    default: '4096',
    synonyms: logPrefix('index.interval.bytes'),
    validate: int({ min: 0n }),
    doc: 'How often an entry is added to the offset index, in bytes of log written.',
  },
  {
    name: 'leader.replication.throttled.replicas',
    type: 'list',
    default: '',
    synonyms: [],
    validate: throttledReplicasValidator,
    doc: 'Replicas whose log replication is throttled on the leader side: partitionId:brokerId pairs, or * for all.',
  },
  {
    name: 'local.retention.bytes',
    type: 'long',
    default: '-2',
    synonyms: logPrefix('local.retention.bytes'),
    validate: long({ min: -2n }),
    doc: 'Maximum size of local log segments when tiered storage is enabled; -2 means retention.bytes.',
  },
  {
    name: 'local.retention.ms',
    type: 'long',
    default: '-2',
    synonyms: logPrefix('local.retention.ms'),
    validate: long({ min: -2n }),
    doc: 'How long local log segments are kept when tiered storage is enabled; -2 means retention.ms.',
  },
  {
    name: 'max.compaction.lag.ms',
    type: 'long',
    default: LONG_MAX_VALUE,
    synonyms: cleanerPrefix('max.compaction.lag.ms'),
    validate: long({ min: 1n }),
    doc: 'The maximum time a message remains ineligible for compaction.',
  },
  {
    name: 'max.message.bytes',
    type: 'int',
    default: '1048588',
    synonyms: same('message.max.bytes'),
    validate: int({ min: 0n }),
    doc: 'The largest record batch size allowed, after compression.',
  },
  {
    name: 'message.downconversion.enable',
    type: 'boolean',
    default: 'true',
    synonyms: logPrefix('message.downconversion.enable'),
    validate: booleanValidator,
    doc: 'Whether message format down-conversion is performed for consumers that need an older format.',
  },
  {
    name: 'message.format.version',
    type: 'string',
    default: '3.0-IV1',
    synonyms: logPrefix('message.format.version'),
    validate: metadataVersionValidator,
    doc: '[DEPRECATED] The message format version; ignored, always the current format.',
  },
  {
    name: 'message.timestamp.after.max.ms',
    type: 'long',
    default: LONG_MAX_VALUE,
    synonyms: logPrefix('message.timestamp.after.max.ms'),
    validate: long({ min: 0n }),
    doc: 'With CreateTime, the largest allowed amount a message timestamp may be ahead of the broker clock.',
  },
  {
    name: 'message.timestamp.before.max.ms',
    type: 'long',
    default: LONG_MAX_VALUE,
    synonyms: logPrefix('message.timestamp.before.max.ms'),
    validate: long({ min: 0n }),
    doc: 'With CreateTime, the largest allowed amount a message timestamp may be behind the broker clock.',
  },
  {
    name: 'message.timestamp.difference.max.ms',
    type: 'long',
    default: LONG_MAX_VALUE,
    synonyms: logPrefix('message.timestamp.difference.max.ms'),
    validate: long({ min: 0n }),
    doc: '[DEPRECATED] The maximum difference between the broker clock and a message timestamp with CreateTime.',
  },
  {
    name: 'message.timestamp.type',
    type: 'string',
    default: 'CreateTime',
    synonyms: logPrefix('message.timestamp.type'),
    validate: (n) => stringInValidator(n, [MessageTimestampType.CreateTime, MessageTimestampType.LogAppendTime]),
    doc: 'Whether record timestamps are the producer create time or the broker log append time.',
  },
  {
    name: 'min.cleanable.dirty.ratio',
    type: 'double',
    default: '0.5',
    synonyms: cleanerPrefix('min.cleanable.ratio'),
    validate: (n) => doubleValidator(n, 0, 1),
    doc: 'The minimum ratio of dirty log to total log for a log to be eligible for compaction.',
  },
  {
    name: 'min.compaction.lag.ms',
    type: 'long',
    default: '0',
    synonyms: cleanerPrefix('min.compaction.lag.ms'),
    validate: long({ min: 0n }),
    doc: 'The minimum time a message remains uncompacted in the log.',
  },
  {
    name: 'min.insync.replicas',
    type: 'int',
    default: '1',
    synonyms: same('min.insync.replicas'),
    validate: int({ min: 1n }),
    doc: 'With acks=all, the minimum number of in-sync replicas that must acknowledge a write.',
  },
  {
    name: 'preallocate',
    type: 'boolean',
    default: 'false',
    synonyms: logPrefix('preallocate'),
    validate: booleanValidator,
    doc: 'Accepted for compatibility; Samsa does not preallocate segment files (they grow as written).',
  },
  {
    name: 'remote.log.copy.disable',
    type: 'boolean',
    default: 'false',
    synonyms: [],
    validate: booleanValidator,
    doc: 'Makes tiered data read only: no more uploads for this topic.',
  },
  {
    name: 'remote.log.delete.on.disable',
    type: 'boolean',
    default: 'false',
    synonyms: [],
    validate: booleanValidator,
    doc: 'Whether tiered data is deleted when tiered storage is disabled for this topic.',
  },
  {
    name: 'remote.storage.enable',
    type: 'boolean',
    default: 'false',
    synonyms: [],
    validate: booleanValidator,
    doc: 'Enables tiered storage for the topic.',
  },
  {
    name: 'retention.bytes',
    type: 'long',
    default: '-1',
    synonyms: logPrefix('retention.bytes'),
    validate: long(),
    doc: 'The maximum size of a partition before old segments are deleted with the "delete" policy; -1 means no limit.',
  },
  {
    name: 'retention.ms',
    type: 'long',
    default: '604800000',
    synonyms: [
      { name: 'log.retention.ms', multiplier: 1 },
      { name: 'log.retention.minutes', multiplier: MS_PER_MINUTE },
      { name: 'log.retention.hours', multiplier: MS_PER_HOUR },
    ],
    validate: long({ min: -1n }),
    doc: 'The maximum time a segment is kept before deletion with the "delete" policy; -1 means no limit.',
  },
  {
    name: 'segment.bytes',
    type: 'int',
    default: '1073741824',
    synonyms: logPrefix('segment.bytes'),
    validate: int({ min: 14n }),
    doc: 'The segment file size of the log.',
  },
  {
    name: 'segment.index.bytes',
    type: 'int',
    default: '10485760',
    synonyms: logPrefix('index.size.max.bytes'),
    validate: int({ min: 4n }),
    doc: 'The maximum size of the index that maps offsets to file positions.',
  },
  {
    name: 'segment.jitter.ms',
    type: 'long',
    default: '0',
    synonyms: [
      { name: 'log.roll.jitter.ms', multiplier: 1 },
      { name: 'log.roll.jitter.hours', multiplier: MS_PER_HOUR },
    ],
    validate: long({ min: 0n }),
    doc: 'The maximum random jitter subtracted from the scheduled segment roll time.',
  },
  {
    name: 'segment.ms',
    type: 'long',
    default: '604800000',
    synonyms: [
      { name: 'log.roll.ms', multiplier: 1 },
      { name: 'log.roll.hours', multiplier: MS_PER_HOUR },
    ],
    validate: long({ min: 1n }),
    doc: 'The time after which the log is rolled even if the segment is not full.',
  },
  {
    name: 'unclean.leader.election.enable',
    type: 'boolean',
    default: 'false',
    synonyms: same('unclean.leader.election.enable'),
    validate: booleanValidator,
    doc: 'Whether replicas outside the ISR may be elected leader as a last resort, at the risk of data loss.',
  },
]

/** Every topic-level log config, sorted by name (Kafka's LogConfig.configNames order). */
export const LOG_CONFIG_DEFINITIONS: readonly LogConfigDefinition[] = SPECS.map((s) => ({
  name: s.name,
  type: s.type,
  default: s.default,
  serverDefaultProperty: s.synonyms[0]?.name ?? null,
  serverSynonyms: s.synonyms,
  validate: s.validate(s.name),
  documentation: s.doc,
}))

const BY_NAME: ReadonlyMap<string, LogConfigDefinition> = new Map(LOG_CONFIG_DEFINITIONS.map((d) => [d.name, d]))

export function logConfigDefinition(name: string): LogConfigDefinition | undefined {
  return BY_NAME.get(name)
}

/** The typed, resolved configuration of one topic's logs. Numeric fields are safe integers. */
export interface LogConfig {
  readonly segmentBytes: number
  readonly segmentMs: number
  readonly segmentJitterMs: number
  readonly segmentIndexBytes: number
  readonly indexIntervalBytes: number
  readonly retentionMs: number
  readonly retentionBytes: number
  readonly maxMessageBytes: number
  readonly messageTimestampType: MessageTimestampType
  readonly messageTimestampBeforeMaxMs: number
  readonly messageTimestampAfterMaxMs: number
  readonly cleanupPolicy: readonly CleanupPolicy[]
  readonly cleanupPolicyDelete: boolean
  readonly cleanupPolicyCompact: boolean
  readonly fileDeleteDelayMs: number
  readonly flushMessages: number
  readonly flushMs: number
  readonly compressionType: CompressionTypeName
  readonly compressionGzipLevel: number
  readonly compressionLz4Level: number
  readonly compressionZstdLevel: number
  readonly minInsyncReplicas: number
  readonly deleteRetentionMs: number
  readonly minCompactionLagMs: number
  readonly maxCompactionLagMs: number
  readonly minCleanableDirtyRatio: number
  readonly uncleanLeaderElectionEnable: boolean
  readonly preallocate: boolean
  readonly messageDownconversionEnable: boolean
  readonly remoteStorageEnable: boolean
  readonly localRetentionMs: number
  readonly localRetentionBytes: number
  readonly leaderReplicationThrottledReplicas: readonly string[]
  readonly followerReplicationThrottledReplicas: readonly string[]
  /** The resolved string value of every key, as DescribeConfigs prints it. */
  readonly values: Readonly<Record<string, string>>
  /** Keys set on the topic itself (source TOPIC_CONFIG). */
  readonly overriddenKeys: ReadonlySet<string>
}

export const ConfigSource = { Topic: 'topic', Server: 'server', Default: 'default' } as const
export type ConfigSource = (typeof ConfigSource)[keyof typeof ConfigSource]

export interface ResolvedConfigValue {
  readonly value: string
  readonly source: ConfigSource
  /** The server property the value came from when `source` is 'server'. */
  readonly serverProperty: string | null
}

/**
 * One key's effective value: the topic override, else the first server synonym that is set (converted to
 * the topic unit), else Kafka's default.
 */
export function resolveLogConfigValue(
  def: LogConfigDefinition,
  topicOverrides: Readonly<Record<string, string>>,
  serverDefaults: Readonly<Record<string, string>>,
): ResolvedConfigValue {
  const own = Object.hasOwn(topicOverrides, def.name) ? topicOverrides[def.name] : undefined
  if (own !== undefined) return { value: own.trim(), source: ConfigSource.Topic, serverProperty: null }
  for (const syn of def.serverSynonyms) {
    const v = Object.hasOwn(serverDefaults, syn.name) ? serverDefaults[syn.name] : undefined
    if (v === undefined) continue
    const n = parseJavaInteger(v)
    // Kafka's KafkaConfig.logRetentionTimeMillis: any negative broker retention (ms, minutes or hours) is -1.
    if (def.name === 'retention.ms' && n !== null && n < 0n)
      return { value: '-1', source: ConfigSource.Server, serverProperty: syn.name }
    if (syn.multiplier === 1) return { value: v.trim(), source: ConfigSource.Server, serverProperty: syn.name }
    if (n === null) continue
    return { value: String(n * BigInt(syn.multiplier)), source: ConfigSource.Server, serverProperty: syn.name }
  }
  return { value: def.default, source: ConfigSource.Default, serverProperty: null }
}

/**
 * Checks the broker properties that supply topic defaults (log.roll.ms, log.cleanup.policy...) the way
 * Kafka does when it builds the default LogConfig at start-up: the first one that would make an invalid
 * topic config, named by the broker property. Null when all are valid.
 */
export function validateServerLogDefaults(
  serverDefaults: Readonly<Record<string, string>>,
): { key: string; message: string } | null {
  for (const def of LOG_CONFIG_DEFINITIONS) {
    const r = resolveLogConfigValue(def, {}, serverDefaults)
    if (r.serverProperty === null) continue
    const err = def.validate(r.value)
    if (err === null) continue
    const raw = serverDefaults[r.serverProperty]?.trim() ?? r.value
    const prefix = invalid(def.name, r.value, '')
    const reason = err.startsWith(prefix) ? err.slice(prefix.length) : err
    const converted = raw === r.value ? '' : ` (${def.name} ${r.value})`
    return { key: r.serverProperty, message: `${invalid(r.serverProperty, raw, reason)}${converted}` }
  }
  return null
}

/**
 * Checks topic overrides (CreateTopics, AlterConfigs): unknown keys and invalid values are reported with a
 * message naming the key. The first problem found is returned; null when all are valid.
 */
export function validateTopicConfigs(
  overrides: Readonly<Record<string, string>>,
): { key: string; message: string } | null {
  for (const [key, value] of Object.entries(overrides)) {
    const def = BY_NAME.get(key)
    if (def === undefined) return { key, message: `Unknown topic config name: ${key}` }
    const err = def.validate(value)
    if (err !== null) return { key, message: err }
  }
  const minLag = overrides['min.compaction.lag.ms'] ?? '0'
  const maxLag = overrides['max.compaction.lag.ms'] ?? LONG_MAX_VALUE
  if (BigInt(minLag.trim()) > BigInt(maxLag.trim())) {
    return {
      key: 'min.compaction.lag.ms',
      message: `conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag})`,
    }
  }
  return null
}

function toSafeNumber(value: string): number {
  const v = BigInt(value.trim())
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER
  if (v < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER
  return Number(v)
}

/**
 * Builds a topic's LogConfig from its overrides and the broker's server properties. Every value is
 * validated; an invalid one (topic or server) throws an Error whose message names the key.
 */
export function buildLogConfig(
  topicOverrides: Readonly<Record<string, string>>,
  serverDefaults: Readonly<Record<string, string>> = {},
): LogConfig {
  const values: Record<string, string> = {}
  const overriddenKeys = new Set<string>()
  for (const key of Object.keys(topicOverrides)) {
    if (!BY_NAME.has(key)) throw new Error(`Unknown topic config name: ${key}`)
  }
  for (const def of LOG_CONFIG_DEFINITIONS) {
    const r = resolveLogConfigValue(def, topicOverrides, serverDefaults)
    const err = def.validate(r.value)
    if (err !== null) throw new Error(r.serverProperty === null ? err : `${err} (from ${r.serverProperty})`)
    values[def.name] = def.type === 'list' ? parseList(r.value).join(',') : r.value
    if (r.source === ConfigSource.Topic) overriddenKeys.add(def.name)
  }
  const v = (k: string): string => values[k] ?? ''
  const n = (k: string): number => toSafeNumber(v(k))
  const b = (k: string): boolean => v(k).toLowerCase() === 'true'
  const policy = parseList(v('cleanup.policy')) as CleanupPolicy[]
  const differenceMaxMs = n('message.timestamp.difference.max.ms')
  const beforeMaxMs =
    v('message.timestamp.before.max.ms') === LONG_MAX_VALUE ? differenceMaxMs : n('message.timestamp.before.max.ms')
  const afterMaxMs =
    v('message.timestamp.after.max.ms') === LONG_MAX_VALUE ? differenceMaxMs : n('message.timestamp.after.max.ms')
  return Object.freeze({
    segmentBytes: n('segment.bytes'),
    segmentMs: n('segment.ms'),
    segmentJitterMs: n('segment.jitter.ms'),
    segmentIndexBytes: n('segment.index.bytes'),
    indexIntervalBytes: n('index.interval.bytes'),
    retentionMs: n('retention.ms'),
    retentionBytes: n('retention.bytes'),
    maxMessageBytes: n('max.message.bytes'),
    messageTimestampType: v('message.timestamp.type') as MessageTimestampType,
    messageTimestampBeforeMaxMs: beforeMaxMs,
    messageTimestampAfterMaxMs: afterMaxMs,
    cleanupPolicy: Object.freeze(policy),
    cleanupPolicyDelete: policy.includes(CleanupPolicy.Delete),
    cleanupPolicyCompact: policy.includes(CleanupPolicy.Compact),
    fileDeleteDelayMs: n('file.delete.delay.ms'),
    flushMessages: n('flush.messages'),
    flushMs: n('flush.ms'),
    compressionType: v('compression.type') as CompressionTypeName,
    compressionGzipLevel: n('compression.gzip.level'),
    compressionLz4Level: n('compression.lz4.level'),
    compressionZstdLevel: n('compression.zstd.level'),
    minInsyncReplicas: n('min.insync.replicas'),
    deleteRetentionMs: n('delete.retention.ms'),
    minCompactionLagMs: n('min.compaction.lag.ms'),
    maxCompactionLagMs: n('max.compaction.lag.ms'),
    minCleanableDirtyRatio: Number(v('min.cleanable.dirty.ratio')),
    uncleanLeaderElectionEnable: b('unclean.leader.election.enable'),
    preallocate: b('preallocate'),
    messageDownconversionEnable: b('message.downconversion.enable'),
    remoteStorageEnable: b('remote.storage.enable'),
    localRetentionMs: n('local.retention.ms'),
    localRetentionBytes: n('local.retention.bytes'),
    leaderReplicationThrottledReplicas: Object.freeze(parseList(v('leader.replication.throttled.replicas'))),
    followerReplicationThrottledReplicas: Object.freeze(parseList(v('follower.replication.throttled.replicas'))),
    values: Object.freeze(values),
    overriddenKeys,
  })
}

/** Kafka's defaults with no overrides and no server properties. */
export function defaultLogConfig(): LogConfig {
  return buildLogConfig({}, {})
}

/** Kafka's LogConfig.maxSegmentMs: compacted topics roll at least every max.compaction.lag.ms. */
export function maxSegmentMs(config: LogConfig): number {
  return config.cleanupPolicyCompact && config.maxCompactionLagMs > 0
    ? Math.min(config.maxCompactionLagMs, config.segmentMs)
    : config.segmentMs
}
