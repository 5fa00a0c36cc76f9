import { SamsaError, SamsaErrorCode } from '../../common/errors.ts'
import { Reader } from '../../protocol/primitives/reader.ts'
import { Writer } from '../../protocol/primitives/writer.ts'
import * as ConfigRec from './generated/config-record.ts'
import * as FeatureLevelRec from './generated/feature-level-record.ts'
import * as NoOpRec from './generated/no-op-record.ts'
import * as PartitionChangeRec from './generated/partition-change-record.ts'
import * as PartitionRec from './generated/partition-record.ts'
import * as ProducerIdsRec from './generated/producer-ids-record.ts'
import * as RegisterBrokerRec from './generated/register-broker-record.ts'
import * as RemoveTopicRec from './generated/remove-topic-record.ts'
import * as TopicRec from './generated/topic-record.ts'
import * as UnregisterBrokerRec from './generated/unregister-broker-record.ts'

/**
 * Cluster metadata records, serialised as Kafka's MetadataRecordSerde does, so the metadata log has
 * Kafka's layout: each record value is `frameVersion (uvarint, 1) · apiKey (uvarint) · version (uvarint)
 * · message`, with a null record key.
 */
export type MetadataRecord =
  | { readonly type: 'RegisterBrokerRecord'; readonly data: RegisterBrokerRec.RegisterBrokerRecord }
  | { readonly type: 'UnregisterBrokerRecord'; readonly data: UnregisterBrokerRec.UnregisterBrokerRecord }
  | { readonly type: 'TopicRecord'; readonly data: TopicRec.TopicRecord }
  | { readonly type: 'PartitionRecord'; readonly data: PartitionRec.PartitionRecord }
  | { readonly type: 'ConfigRecord'; readonly data: ConfigRec.ConfigRecord }
  | { readonly type: 'PartitionChangeRecord'; readonly data: PartitionChangeRec.PartitionChangeRecord }
  | { readonly type: 'RemoveTopicRecord'; readonly data: RemoveTopicRec.RemoveTopicRecord }
  | { readonly type: 'FeatureLevelRecord'; readonly data: FeatureLevelRec.FeatureLevelRecord }
  | { readonly type: 'ProducerIdsRecord'; readonly data: ProducerIdsRec.ProducerIdsRecord }
  | { readonly type: 'NoOpRecord'; readonly data: NoOpRec.NoOpRecord }

export type MetadataRecordType = MetadataRecord['type']

interface Codec {
  readonly apiKey: number
  /** The version Samsa writes. */
  readonly version: number
  readonly maxVersion: number
  decode(r: Reader, v: number): unknown
  encode(w: Writer, v: number, m: never): void
}

const CODECS: Record<MetadataRecordType, Codec> = {
  RegisterBrokerRecord: {
    apiKey: 0,
    version: 3,
    maxVersion: RegisterBrokerRec.RegisterBrokerRecordVersions.max,
    decode: RegisterBrokerRec.decodeRegisterBrokerRecord,
    encode: RegisterBrokerRec.encodeRegisterBrokerRecord,
  },
  UnregisterBrokerRecord: {
    apiKey: 1,
    version: 0,
    maxVersion: UnregisterBrokerRec.UnregisterBrokerRecordVersions.max,
    decode: UnregisterBrokerRec.decodeUnregisterBrokerRecord,
    encode: UnregisterBrokerRec.encodeUnregisterBrokerRecord,
  },
  TopicRecord: {
    apiKey: 2,
    version: 0,
    maxVersion: TopicRec.TopicRecordVersions.max,
    decode: TopicRec.decodeTopicRecord,
    encode: TopicRec.encodeTopicRecord,
  },
  PartitionRecord: {
    apiKey: 3,
    version: 0,
    maxVersion: PartitionRec.PartitionRecordVersions.max,
    decode: PartitionRec.decodePartitionRecord,
    encode: PartitionRec.encodePartitionRecord,
  },
  ConfigRecord: {
    apiKey: 4,
    version: 0,
    maxVersion: ConfigRec.ConfigRecordVersions.max,
    decode: ConfigRec.decodeConfigRecord,
    encode: ConfigRec.encodeConfigRecord,
  },
  PartitionChangeRecord: {
    apiKey: 5,
    version: 0,
    maxVersion: PartitionChangeRec.PartitionChangeRecordVersions.max,
    decode: PartitionChangeRec.decodePartitionChangeRecord,
    encode: PartitionChangeRec.encodePartitionChangeRecord,
  },
  RemoveTopicRecord: {
    apiKey: 9,
    version: 0,
    maxVersion: RemoveTopicRec.RemoveTopicRecordVersions.max,
    decode: RemoveTopicRec.decodeRemoveTopicRecord,
    encode: RemoveTopicRec.encodeRemoveTopicRecord,
  },
  FeatureLevelRecord: {
    apiKey: 12,
    version: 0,
    maxVersion: FeatureLevelRec.FeatureLevelRecordVersions.max,
    decode: FeatureLevelRec.decodeFeatureLevelRecord,
    encode: FeatureLevelRec.encodeFeatureLevelRecord,
  },
  ProducerIdsRecord: {
    apiKey: 15,
    version: 0,
    maxVersion: ProducerIdsRec.ProducerIdsRecordVersions.max,
    decode: ProducerIdsRec.decodeProducerIdsRecord,
    encode: ProducerIdsRec.encodeProducerIdsRecord,
  },
  NoOpRecord: {
    apiKey: 20,
    version: 0,
    maxVersion: NoOpRec.NoOpRecordVersions.max,
    decode: NoOpRec.decodeNoOpRecord,
    encode: NoOpRec.encodeNoOpRecord,
  },
}

const BY_API_KEY = new Map<number, [MetadataRecordType, Codec]>(
  (Object.entries(CODECS) as [MetadataRecordType, Codec][]).map(([type, c]) => [c.apiKey, [type, c]]),
)

const FRAME_VERSION = 1

export function serializeMetadataRecord(record: MetadataRecord): Buffer {
  const codec = CODECS[record.type]
  const w = new Writer(128)
  w.writeUVarint(FRAME_VERSION)
  w.writeUVarint(codec.apiKey)
  w.writeUVarint(codec.version)
  codec.encode(w, codec.version, record.data as never)
  return w.toBuffer()
}

/**
 * Decodes one record value. Returns null for record types Samsa does not interpret (Kafka writes
 * several, e.g. ACL or quota records; they are skipped, never misread); throws on corrupt bytes.
 */
export function deserializeMetadataRecord(value: Buffer): MetadataRecord | null {
  const r = new Reader(value)
  const frameVersion = r.readUVarint()
  if (frameVersion !== FRAME_VERSION) {
    throw new SamsaError(SamsaErrorCode.MetadataLogCorrupt, `unknown metadata record frame version ${frameVersion}`)
  }
  const apiKey = r.readUVarint()
  const version = r.readUVarint()
  const entry = BY_API_KEY.get(apiKey)
  if (entry === undefined) return null
  const [type, codec] = entry
  if (version > codec.maxVersion) {
    throw new SamsaError(
      SamsaErrorCode.MetadataLogCorrupt,
      `metadata record ${type} has version ${version} above ${codec.maxVersion}`,
    )
  }
  return { type, data: codec.decode(r, version) } as MetadataRecord
}
