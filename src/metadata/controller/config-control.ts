import { ErrorCode } from '../../protocol/error-codes.ts'
import { logConfigDefinition, parseList, validateTopicConfigs } from '../../storage/log-config.ts'
import { ConfigResourceType } from '../image/configs-image.ts'
import type { MetadataImage } from '../image/metadata-image.ts'
import type { MetadataRecord } from '../records/metadata-record.ts'

/**
 * Config changes as metadata records (Kafka's ConfigurationControlManager): validates AlterConfigs
 * (legacy: the request replaces the resource's whole override set) and IncrementalAlterConfigs
 * (SET/DELETE/APPEND/SUBTRACT per key) against the current image and returns the ConfigRecords to
 * commit, or the error for the resource. Topics are validated here with storage's topic config table
 * (INVALID_CONFIG naming the key); broker configs through the validator the composition root supplies,
 * since their definitions live with the broker configuration (Kafka answers INVALID_REQUEST there,
 * KAFKA-13609).
 */

export const AlterConfigOp = { Set: 0, Delete: 1, Append: 2, Subtract: 3 } as const
export type AlterConfigOp = (typeof AlterConfigOp)[keyof typeof AlterConfigOp]
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'] as const

export interface IncrementalConfigChange {
  readonly name: string
  readonly op: number
  readonly value: string | null
}

export interface IncrementalResourceChange {
  readonly resourceType: number
  readonly resourceName: string
  readonly configs: readonly IncrementalConfigChange[]
}

export interface LegacyResourceChange {
  readonly resourceType: number
  readonly resourceName: string
  readonly configs: readonly { readonly name: string; readonly value: string | null }[]
}

export interface ConfigResourceResult {
  readonly resourceType: number
  readonly resourceName: string
  readonly errorCode: number
  readonly errorMessage: string | null
}

export interface ConfigProblem {
  readonly errorCode: number
  readonly message: string
}

/** Broker configuration knowledge the controller borrows from the broker layer. */
export interface BrokerConfigSchema {
  /**
   * Checks the complete dynamic override set `overrides` of broker resource `resourceName` ('' = the
   * cluster default, else a node id) after a change of `changedKeys`; null when valid.
   */
  validate(
    resourceName: string,
    overrides: ReadonlyMap<string, string>,
    changedKeys: readonly string[],
  ): ConfigProblem | null
  /** The key's type is a list (APPEND/SUBTRACT allowed). */
  isList(key: string): boolean
  /** The key's default as Kafka prints it, null when none. */
  defaultValue(key: string): string | null
}

function problem(errorCode: number, message: string): ConfigProblem {
  return { errorCode, message }
}

/** Checks the resource itself: type, topic existence, broker name. */
function checkResource(
  image: MetadataImage,
  type: number,
  name: string,
  schema: BrokerConfigSchema | null,
): ConfigProblem | null {
  if (type === ConfigResourceType.Topic) {
    if (image.topics.getTopic(name) === undefined)
      return problem(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`)
    return null
  }
  if (type === ConfigResourceType.Broker) {
    if (schema === null) return problem(ErrorCode.INVALID_REQUEST, 'Broker configs cannot be altered here')
    if (name !== '' && !/^\d+$/.test(name)) return problem(ErrorCode.INVALID_REQUEST, `Invalid broker name ${name}`)
    return null
  }
  return problem(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${type}`)
}

function isListKey(type: number, key: string, schema: BrokerConfigSchema | null): boolean {
  if (type === ConfigResourceType.Topic) return logConfigDefinition(key)?.type === 'list'
  return schema?.isList(key) ?? false
}

function defaultOf(type: number, key: string, schema: BrokerConfigSchema | null): string | null {
  if (type === ConfigResourceType.Topic) return logConfigDefinition(key)?.default ?? null
  return schema?.defaultValue(key) ?? null
}

/** Validates the resource's complete override set after the change. */
function validateOverrides(
  type: number,
  name: string,
  overrides: ReadonlyMap<string, string>,
  changedKeys: readonly string[],
  schema: BrokerConfigSchema | null,
): ConfigProblem | null {
  if (type === ConfigResourceType.Topic) {
    // Only the keys being set are checked one by one (an older override may predate a stricter rule).
    for (const key of changedKeys) {
      const value = overrides.get(key)
      if (value === undefined) continue
      const found = validateTopicConfigs({ [key]: value })
      if (found !== null) return problem(ErrorCode.INVALID_CONFIG, found.message)
      if (key === 'remote.storage.enable' && value.trim().toLowerCase() === 'true') {
        return problem(
          ErrorCode.INVALID_CONFIG,
          'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.',
        )
      }
    }
    const lags: Record<string, string> = {}
    for (const key of ['min.compaction.lag.ms', 'max.compaction.lag.ms']) {
      const value = overrides.get(key)
      if (value !== undefined) lags[key] = value
    }
    const conflict = validateTopicConfigs(lags)
    return conflict === null ? null : problem(ErrorCode.INVALID_CONFIG, conflict.message)
  }
  return schema!.validate(name, overrides, changedKeys)
}

/** Records that turn `before` into `after` (null value = delete). */
function diffRecords(
  type: number,
  name: string,
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): MetadataRecord[] {
  const records: MetadataRecord[] = []
  const record = (key: string, value: string | null): MetadataRecord => ({
    type: 'ConfigRecord',
    data: { resourceType: type, resourceName: name, name: key, value },
  })
  for (const key of before.keys()) if (!after.has(key)) records.push(record(key, null))
  for (const [key, value] of after) if (before.get(key) !== value) records.push(record(key, value))
  return records
}

/** Kafka's incrementalAlterConfigResource: applies the operations to a copy of the current overrides. */
function applyIncremental(
  r: IncrementalResourceChange,
  current: ReadonlyMap<string, string>,
  schema: BrokerConfigSchema | null,
): Map<string, string> | ConfigProblem {
  const seen = new Set<string>()
  for (const c of r.configs) {
    if (seen.has(c.name)) return problem(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys: ${c.name}`)
    seen.add(c.name)
  }
  const next = new Map(current)
  for (const c of r.configs) {
    switch (c.op) {
      case AlterConfigOp.Set:
        if (c.value === null) return problem(ErrorCode.INVALID_REQUEST, `Null value not supported for: ${c.name}`)
        next.set(c.name, c.value)
        break
      case AlterConfigOp.Delete:
        next.delete(c.name)
        break
      case AlterConfigOp.Append:
      case AlterConfigOp.Subtract: {
        if (!isListKey(r.resourceType, c.name, schema)) {
          return problem(
            ErrorCode.INVALID_CONFIG,
            `Can't ${OP_NAMES[c.op]} to key ${c.name} because its type is not LIST.`,
          )
        }
        const items = parseList(current.get(c.name) ?? defaultOf(r.resourceType, c.name, schema) ?? '')
        const operand = parseList(c.value ?? '')
        const result =
          c.op === AlterConfigOp.Append
            ? [...items, ...operand.filter((v) => !items.includes(v))]
            : items.filter((v) => !operand.includes(v))
        next.set(c.name, result.join(','))
        break
      }
      default:
        return problem(ErrorCode.INVALID_REQUEST, `Unknown config operation ${c.op} for ${c.name}`)
    }
  }
  return next
}

/** IncrementalAlterConfigs for one resource: the records to commit, or the resource's error. */
export function incrementalAlterConfigRecords(
  image: MetadataImage,
  r: IncrementalResourceChange,
  schema: BrokerConfigSchema | null,
): MetadataRecord[] | ConfigProblem {
  const bad = checkResource(image, r.resourceType, r.resourceName, schema)
  if (bad !== null) return bad
  const current = image.configs.get(r.resourceType, r.resourceName)
  const next = applyIncremental(r, current, schema)
  if (!(next instanceof Map)) return next
  const invalid = validateOverrides(
    r.resourceType,
    r.resourceName,
    next,
    r.configs.map((c) => c.name),
    schema,
  )
  if (invalid !== null) return invalid
  return diffRecords(r.resourceType, r.resourceName, current, next)
}

/** AlterConfigs (legacy) for one resource: the given set replaces every override of the resource. */
export function legacyAlterConfigRecords(
  image: MetadataImage,
  r: LegacyResourceChange,
  schema: BrokerConfigSchema | null,
): MetadataRecord[] | ConfigProblem {
  const bad = checkResource(image, r.resourceType, r.resourceName, schema)
  if (bad !== null) return bad
  const next = new Map<string, string>()
  for (const c of r.configs) {
    if (next.has(c.name)) return problem(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys: ${c.name}`)
    if (c.value !== null) next.set(c.name, c.value)
  }
  const invalid = validateOverrides(r.resourceType, r.resourceName, next, [...next.keys()], schema)
  if (invalid !== null) return invalid
  return diffRecords(r.resourceType, r.resourceName, image.configs.get(r.resourceType, r.resourceName), next)
}
