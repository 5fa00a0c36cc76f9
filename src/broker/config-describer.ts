import {
  LOG_CONFIG_DEFINITIONS,
  type LogConfigDefinition,
  ConfigSource as LogConfigSource,
  resolveLogConfigValue,
} from '../storage/log-config.ts'
import type { BrokerConfigEntry, BrokerConfigView } from './services.ts'

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
 * A topic's effective configuration as DescribeConfigs (and CreateTopics v5+) report it: each key's
 * value, where it comes from (the topic, a broker property, or Kafka's default) and, in Kafka's order,
 * the synonyms that could supply it.
 */
export function describeTopicConfigs(
  overrides: Readonly<Record<string, string>>,
  broker: BrokerConfigView,
  keys?: readonly string[] | null,
): DescribedConfig[] {
  const server = broker.logDefaults()
  const wanted = keys === undefined || keys === null ? null : new Set(keys)
  const out: DescribedConfig[] = []
  for (const def of LOG_CONFIG_DEFINITIONS) {
    if (wanted !== null && !wanted.has(def.name)) continue
    const resolved = resolveLogConfigValue(def, overrides, server)
    const configSource =
      resolved.source === LogConfigSource.Topic
        ? DescribeConfigSource.TopicConfig
        : resolved.source === LogConfigSource.Server
          ? serverSource(broker, resolved.serverProperty!)
          : DescribeConfigSource.DefaultConfig
    out.push({
      name: def.name,
      value: resolved.value,
      readOnly: false,
      configSource,
      isSensitive: false,
      synonyms: topicSynonyms(def, overrides, server, broker),
      configType: configType(def.type),
      documentation: def.documentation,
    })
  }
  return out
}

/** The DescribeConfigs source of a broker property that supplies a topic default. */
function serverSource(broker: BrokerConfigView, property: string): number {
  const top = broker.synonymsOf?.(property)[0]
  return top === undefined ? DescribeConfigSource.StaticBrokerConfig : BROKER_SOURCE[top.source]
}

function topicSynonyms(
  def: LogConfigDefinition,
  overrides: Readonly<Record<string, string>>,
  server: Readonly<Record<string, string>>,
  broker: BrokerConfigView,
): ConfigSynonym[] {
  const out: ConfigSynonym[] = []
  const own = overrides[def.name]
  if (own !== undefined) out.push({ name: def.name, value: own, source: DescribeConfigSource.TopicConfig })
  for (const syn of def.serverSynonyms) {
    const layers = broker.synonymsOf?.(syn.name)
    if (layers !== undefined) {
      for (const l of layers) out.push({ name: syn.name, value: l.value, source: BROKER_SOURCE[l.source] })
      continue
    }
    const v = server[syn.name]
    if (v !== undefined) out.push({ name: syn.name, value: v, source: DescribeConfigSource.StaticBrokerConfig })
  }
  out.push({
    name: def.serverDefaultProperty ?? def.name,
    value: def.default,
    source: DescribeConfigSource.DefaultConfig,
  })
  return out
}

/** The broker's own properties as DescribeConfigs reports them for a broker resource. */
export function describeBrokerConfigs(broker: BrokerConfigView, keys?: readonly string[] | null): DescribedConfig[] {
  const wanted = keys === undefined || keys === null ? null : new Set(keys)
  return broker
    .describe()
    .filter((e) => wanted === null || wanted.has(e.name))
    .map((e) => ({
      name: e.name,
      value: e.isSensitive ? null : e.value,
      readOnly: e.readOnly,
      configSource: BROKER_SOURCE[e.source],
      isSensitive: e.isSensitive,
      synonyms:
        e.synonyms !== undefined
          ? e.synonyms.map((syn) => ({ name: syn.name, value: syn.value, source: BROKER_SOURCE[syn.source] }))
          : e.value === null
            ? []
            : [{ name: e.name, value: e.isSensitive ? null : e.value, source: BROKER_SOURCE[e.source] }],
      configType: configType(e.type),
      documentation: e.documentation,
    }))
}

/**
 * DescribeConfigs on the broker resource "": only the cluster-wide dynamic defaults, as Kafka reports
 * them (kafka-configs --entity-default).
 */
export function describeBrokerDefaultConfigs(
  broker: BrokerConfigView,
  keys?: readonly string[] | null,
): DescribedConfig[] {
  const out: DescribedConfig[] = []
  for (const c of describeBrokerConfigs(broker, keys)) {
    const layer = c.synonyms.find((s) => s.source === DescribeConfigSource.DynamicDefaultBrokerConfig)
    if (layer !== undefined) out.push({ ...c, value: layer.value, configSource: layer.source, synonyms: [layer] })
  }
  return out
}
