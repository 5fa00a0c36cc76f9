/**
 * The shape of a message declaration, in the vocabulary of Apache Kafka's JSON message definitions
 * (clients/src/main/resources/common/message/*.json), so each schema file diffs cleanly against them.
 *
 * Version ranges are strings: "3+" (3 and later), "0-4" (inclusive), "5" (exactly), "none".
 */
export interface FieldSchema {
  readonly name: string
  /** int8 int16 int32 int64 uint16 uint32 float64 bool string bytes records uuid, []T, or a struct name */
  readonly type: string
  readonly versions: string
  readonly nullableVersions?: string
  readonly taggedVersions?: string
  readonly tag?: number
  readonly flexibleVersions?: string
  readonly default?: string
  readonly entityType?: string
  readonly mapKey?: boolean
  readonly ignorable?: boolean
  readonly zeroCopy?: boolean
  readonly about?: string
  readonly fields?: readonly FieldSchema[]
}

export interface StructSchema {
  readonly name: string
  readonly versions: string
  readonly fields: readonly FieldSchema[]
}

export interface MessageSchema {
  readonly apiKey?: number
  readonly type: 'request' | 'response' | 'header' | 'metadata' | 'data' | 'coordinator-key' | 'coordinator-value'
  readonly name: string
  readonly validVersions: string
  readonly flexibleVersions: string
  readonly latestVersionUnstable?: boolean
  readonly listeners?: readonly string[]
  readonly fields: readonly FieldSchema[]
  readonly commonStructs?: readonly StructSchema[]
}
