import { LOG_CONFIG_DEFINITIONS, type LogConfigDefinition, resolveLogConfigValue } from '../storage/log-config.ts'
import type { BrokerConfigEntry, BrokerConfigSynonym, BrokerConfigView } from './services.ts'

/** DescribeConfigs' ConfigSource codes. */
export const DescribeConfigSource = {
  Unknown: 0,
  TopicConfig: 1,
  DynamicBrokerConfig: 2,
  DynamicDefaultBrokerConfig: 3,
  StaticBrokerConfig: 4,
  DefaultConfig: 5,
} as const

/** DescribeConfigs' ConfigType codes (v3+). */
export const DescribeConfigType = {
  Unknown: 0,
  Boolean: 1,
  String: 2,
  Int: 3,
  Short: 4,
  Long: 5,
  Double: 6,
  List: 7,
  Class: 8,
  Password: 9,
} as const

export interface ConfigSynonym {
  name: string
  value: string | null
  source: number
}

export interface DescribedConfig {
  name: string
  value: string | null
  readOnly: boolean
  configSource: number
  isSensitive: boolean
  synonyms: ConfigSynonym[]
  configType: number
  documentation: string
}

const BROKER_SOURCE: Record<BrokerConfigEntry['source'], number> = {
  DEFAULT_CONFIG: DescribeConfigSource.DefaultConfig,
  STATIC_BROKER_CONFIG: DescribeConfigSource.StaticBrokerConfig,
  DYNAMIC_DEFAULT_BROKER_CONFIG: DescribeConfigSource.DynamicDefaultBrokerConfig,
  DYNAMIC_BROKER_CONFIG: DescribeConfigSource.DynamicBrokerConfig,
}

function configType(type: string): number {
  switch (type) {
    case 'boolean':
      return DescribeConfigType.Boolean
    case 'int':
      return DescribeConfigType.Int
    case 'long':
      return DescribeConfigType.Long
    case 'double':
      return DescribeConfigType.Double
    case 'list':
      return DescribeConfigType.List
    case 'password':
      return DescribeConfigType.Password
    default:
      return DescribeConfigType.String
  }
}

/**
 * Kafka's DynamicBrokerConfig.brokerConfigSynonyms: the broker properties that set the same thing as
 * `name`, highest priority first (the unit variants of the roll and retention times, and the flush
 * scheduler interval as log.flush.interval.ms' fallback); any other property is its own only synonym.
 */
export function brokerConfigSynonyms(name: string): readonly string[] {
  switch (name) {
    case 'log.roll.ms':
    case 'log.roll.hours':
      return ['log.roll.ms', 'log.roll.hours']
    case 'log.roll.jitter.ms':
    case 'log.roll.jitter.hours':
      return ['log.roll.jitter.ms', 'log.roll.jitter.hours']
    case 'log.flush.interval.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms']
    case 'log.retention.ms':
    case 'log.retention.minutes':
    case 'log.retention.hours':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours']
    default:
      return [name]
  }
}

/** Where DescribeConfigs looks for a value, in Kafka's order (ConfigHelper.configSynonyms). */
const LAYER_ORDER: readonly BrokerConfigEntry['source'][] = [
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
]

/** Every layer that sets each broker property (its default included), by property name. */
type BrokerLayers = (name: string) => readonly BrokerConfigSynonym[]

function brokerLayers(broker: BrokerConfigView): BrokerLayers {
  const byName = new Map<string, readonly BrokerConfigSynonym[]>()
  for (const e of broker.describe()) {
    byName.set(
      e.name,
      e.synonyms ??
        (e.value === null ? [] : [{ name: e.name, value: e.isSensitive ? null : e.value, source: e.source }]),
    )
  }
  const server = broker.logDefaults()
  return (name) => {
    const known = byName.get(name)
    if (known !== undefined) return known
    // A topic default's property the broker does not describe (compression.zstd.level...): set
    // statically or Kafka's default, which is the topic config's.
    const out: BrokerConfigSynonym[] = []
    const value = server[name]
    if (value !== undefined) out.push({ name, value, source: 'STATIC_BROKER_CONFIG' })
    const def = LOG_CONFIG_DEFINITIONS.find((d) => d.serverDefaultProperty === name)
    if (def !== undefined) out.push({ name, value: def.default, source: 'DEFAULT_CONFIG' })
    return out
  }
}

/**
 * Kafka's ConfigHelper.configSynonyms: the layers of `name` and its synonyms, layer by layer (dynamic per
 * broker, dynamic cluster default, static, default), then everything before the first entry for `name`
 * itself dropped. So with only log.retention.hours set, log.retention.ms has no synonyms at all, and
 * log.retention.ms=1000 lists the hours set below it too.
 */
function configSynonyms(layers: BrokerLayers, name: string): ConfigSynonym[] {
  const names = brokerConfigSynonyms(name)
  const all: ConfigSynonym[] = []
  for (const source of LAYER_ORDER) {
    for (const n of names) {
      for (const l of layers(n)) {
        if (l.source === source) all.push({ name: n, value: l.value, source: BROKER_SOURCE[source] })
      }
    }
  }
  const first = all.findIndex((syn) => syn.name === name)
  return first < 0 ? [] : all.slice(first)
}

/**
 * A topic's effective configuration as DescribeConfigs (and CreateTopics v5+) report it (Kafka's
 * ConfigHelper.createTopicConfigEntry): each key's value; its synonyms, the topic's own override first,
 * then those of its first server property (configSynonyms); and as its source the first synonym's, or
 * DEFAULT_CONFIG when there is none.
 */
export function describeTopicConfigs(
  overrides: Readonly<Record<string, string>>,
  broker: BrokerConfigView,
  keys?: readonly string[] | null,
): DescribedConfig[] {
  const server = broker.logDefaults()
  const layers = brokerLayers(broker)
  const wanted = keys === undefined || keys === null ? null : new Set(keys)
  const out: DescribedConfig[] = []
  for (const def of LOG_CONFIG_DEFINITIONS) {
    if (wanted !== null && !wanted.has(def.name)) continue
    const resolved = resolveLogConfigValue(def, overrides, server)
    const synonyms = topicSynonyms(def, overrides, layers)
    out.push({
      name: def.name,
      value: resolved.value,
      readOnly: false,
      configSource: synonyms[0]?.source ?? DescribeConfigSource.DefaultConfig,
      isSensitive: false,
      synonyms,
      configType: configType(def.type),
      documentation: def.documentation,
    })
  }
  return out
}

function topicSynonyms(
  def: LogConfigDefinition,
  overrides: Readonly<Record<string, string>>,
  layers: BrokerLayers,
): ConfigSynonym[] {
  const out: ConfigSynonym[] = []
  const own = overrides[def.name]
  if (own !== undefined) out.push({ name: def.name, value: own, source: DescribeConfigSource.TopicConfig })
  if (def.serverDefaultProperty !== null) out.push(...configSynonyms(layers, def.serverDefaultProperty))
  return out
}

/**
 * The broker's own properties as DescribeConfigs reports them for a broker resource (Kafka's
 * ConfigHelper.createBrokerConfigEntry): the effective value, configSynonyms, and the first synonym's
 * source (DEFAULT_CONFIG when there is none).
 */
export function describeBrokerConfigs(broker: BrokerConfigView, keys?: readonly string[] | null): DescribedConfig[] {
  const wanted = keys === undefined || keys === null ? null : new Set(keys)
  const layers = brokerLayers(broker)
  return broker
    .describe()
    .filter((e) => wanted === null || wanted.has(e.name))
    .map((e) => {
      const synonyms = configSynonyms(layers, e.name)
      return {
        name: e.name,
        value: e.isSensitive ? null : e.value,
        readOnly: e.readOnly,
        configSource: synonyms[0]?.source ?? DescribeConfigSource.DefaultConfig,
        isSensitive: e.isSensitive,
        synonyms,
        configType: configType(e.type),
        documentation: e.documentation,
      }
    })
}

/**
 * DescribeConfigs on the broker resource "": only the properties set as cluster-wide dynamic defaults,
 * with only their dynamic-default synonyms, as Kafka reports them (kafka-configs --entity-default).
 */
export function describeBrokerDefaultConfigs(
  broker: BrokerConfigView,
  keys?: readonly string[] | null,
): DescribedConfig[] {
  const out: DescribedConfig[] = []
  const dynamicDefault = DescribeConfigSource.DynamicDefaultBrokerConfig
  for (const c of describeBrokerConfigs(broker, keys)) {
    const own = c.synonyms.find((syn) => syn.name === c.name && syn.source === dynamicDefault)
    if (own === undefined) continue
    const synonyms = c.synonyms.filter((syn) => syn.source === dynamicDefault)
    out.push({ ...c, value: own.value, configSource: dynamicDefault, synonyms })
  }
  return out
}
