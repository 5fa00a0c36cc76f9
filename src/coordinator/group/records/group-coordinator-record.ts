import { Reader } from '../../../protocol/primitives/reader.ts'
import { Writer } from '../../../protocol/primitives/writer.ts'
import type { CoordinatorRecordSerde } from '../../runtime/coordinator-shard.ts'
import {
  type ConsumerGroupCurrentMemberAssignmentKey,
  decodeConsumerGroupCurrentMemberAssignmentKey,
  encodeConsumerGroupCurrentMemberAssignmentKey,
} from './generated/consumer-group-current-member-assignment-key.ts'
import {
  type ConsumerGroupCurrentMemberAssignmentValue,
  decodeConsumerGroupCurrentMemberAssignmentValue,
  encodeConsumerGroupCurrentMemberAssignmentValue,
} from './generated/consumer-group-current-member-assignment-value.ts'
import {
  type ConsumerGroupMemberMetadataKey,
  decodeConsumerGroupMemberMetadataKey,
  encodeConsumerGroupMemberMetadataKey,
} from './generated/consumer-group-member-metadata-key.ts'
import {
  type ConsumerGroupMemberMetadataValue,
  decodeConsumerGroupMemberMetadataValue,
  encodeConsumerGroupMemberMetadataValue,
} from './generated/consumer-group-member-metadata-value.ts'
import {
  type ConsumerGroupMetadataKey,
  decodeConsumerGroupMetadataKey,
  encodeConsumerGroupMetadataKey,
} from './generated/consumer-group-metadata-key.ts'
import {
  type ConsumerGroupMetadataValue,
  decodeConsumerGroupMetadataValue,
  encodeConsumerGroupMetadataValue,
} from './generated/consumer-group-metadata-value.ts'
import {
  type ConsumerGroupPartitionMetadataKey,
  decodeConsumerGroupPartitionMetadataKey,
  encodeConsumerGroupPartitionMetadataKey,
} from './generated/consumer-group-partition-metadata-key.ts'
import {
  type ConsumerGroupPartitionMetadataValue,
  decodeConsumerGroupPartitionMetadataValue,
  encodeConsumerGroupPartitionMetadataValue,
} from './generated/consumer-group-partition-metadata-value.ts'
import {
  type ConsumerGroupTargetAssignmentMemberKey,
  decodeConsumerGroupTargetAssignmentMemberKey,
  encodeConsumerGroupTargetAssignmentMemberKey,
} from './generated/consumer-group-target-assignment-member-key.ts'
import {
  type ConsumerGroupTargetAssignmentMemberValue,
  decodeConsumerGroupTargetAssignmentMemberValue,
  encodeConsumerGroupTargetAssignmentMemberValue,
} from './generated/consumer-group-target-assignment-member-value.ts'
import {
  type ConsumerGroupTargetAssignmentMetadataKey,
  decodeConsumerGroupTargetAssignmentMetadataKey,
  encodeConsumerGroupTargetAssignmentMetadataKey,
} from './generated/consumer-group-target-assignment-metadata-key.ts'
import {
  type ConsumerGroupTargetAssignmentMetadataValue,
  decodeConsumerGroupTargetAssignmentMetadataValue,
  encodeConsumerGroupTargetAssignmentMetadataValue,
} from './generated/consumer-group-target-assignment-metadata-value.ts'
import {
  decodeGroupMetadataKey,
  encodeGroupMetadataKey,
  type GroupMetadataKey,
} from './generated/group-metadata-key.ts'
import {
  decodeGroupMetadataValue,
  encodeGroupMetadataValue,
  type GroupMetadataValue,
} from './generated/group-metadata-value.ts'
import { decodeOffsetCommitKey, encodeOffsetCommitKey, type OffsetCommitKey } from './generated/offset-commit-key.ts'
import {
  decodeOffsetCommitValue,
  encodeOffsetCommitValue,
  type OffsetCommitValue,
} from './generated/offset-commit-value.ts'

/** Key and value types of each `__consumer_offsets` record type. */
interface RecordTypes {
  OffsetCommit: { key: OffsetCommitKey; value: OffsetCommitValue }
  GroupMetadata: { key: GroupMetadataKey; value: GroupMetadataValue }
  ConsumerGroupMetadata: { key: ConsumerGroupMetadataKey; value: ConsumerGroupMetadataValue }
  ConsumerGroupPartitionMetadata: { key: ConsumerGroupPartitionMetadataKey; value: ConsumerGroupPartitionMetadataValue }
  ConsumerGroupMemberMetadata: { key: ConsumerGroupMemberMetadataKey; value: ConsumerGroupMemberMetadataValue }
  ConsumerGroupTargetAssignmentMetadata: {
    key: ConsumerGroupTargetAssignmentMetadataKey
    value: ConsumerGroupTargetAssignmentMetadataValue
  }
  ConsumerGroupTargetAssignmentMember: {
    key: ConsumerGroupTargetAssignmentMemberKey
    value: ConsumerGroupTargetAssignmentMemberValue
  }
  ConsumerGroupCurrentMemberAssignment: {
    key: ConsumerGroupCurrentMemberAssignmentKey
    value: ConsumerGroupCurrentMemberAssignmentValue
  }
}

export type GroupRecordType = keyof RecordTypes

/**
 * One `__consumer_offsets` record: a key and a value (null = tombstone), written with `valueVersion`.
 * The key version identifies the type (Kafka's CoordinatorRecordType): 0/1 offset commit, 2 classic
 * group metadata, 3-8 the KIP-848 consumer group records.
 */
export type GroupCoordinatorRecord = {
  [K in GroupRecordType]: {
    readonly type: K
    readonly key: RecordTypes[K]['key']
    readonly value: RecordTypes[K]['value'] | null
    readonly valueVersion: number
  }
}[GroupRecordType]

export type RecordOf<K extends GroupRecordType> = Extract<GroupCoordinatorRecord, { type: K }>

interface Codec<K extends GroupRecordType> {
  /** The key version written (the lowest one read when several exist). */
  readonly keyVersion: number
  encodeKey(w: Writer, v: number, key: RecordTypes[K]['key']): void
  decodeKey(r: Reader, v: number): RecordTypes[K]['key']
  encodeValue(w: Writer, v: number, value: RecordTypes[K]['value']): void
  decodeValue(r: Reader, v: number): RecordTypes[K]['value']
}

const CODECS: { [K in GroupRecordType]: Codec<K> } = {
  OffsetCommit: {
    keyVersion: 1,
    encodeKey: encodeOffsetCommitKey,
    decodeKey: decodeOffsetCommitKey,
    encodeValue: encodeOffsetCommitValue,
    decodeValue: decodeOffsetCommitValue,
  },
  GroupMetadata: {
    keyVersion: 2,
    encodeKey: encodeGroupMetadataKey,
    decodeKey: decodeGroupMetadataKey,
    encodeValue: encodeGroupMetadataValue,
    decodeValue: decodeGroupMetadataValue,
  },
  ConsumerGroupMetadata: {
    keyVersion: 3,
    encodeKey: encodeConsumerGroupMetadataKey,
    decodeKey: decodeConsumerGroupMetadataKey,
    encodeValue: encodeConsumerGroupMetadataValue,
    decodeValue: decodeConsumerGroupMetadataValue,
  },
  ConsumerGroupPartitionMetadata: {
    keyVersion: 4,
    encodeKey: encodeConsumerGroupPartitionMetadataKey,
    decodeKey: decodeConsumerGroupPartitionMetadataKey,
    encodeValue: encodeConsumerGroupPartitionMetadataValue,
    decodeValue: decodeConsumerGroupPartitionMetadataValue,
  },
  ConsumerGroupMemberMetadata: {
    keyVersion: 5,
    encodeKey: encodeConsumerGroupMemberMetadataKey,
    decodeKey: decodeConsumerGroupMemberMetadataKey,
    encodeValue: encodeConsumerGroupMemberMetadataValue,
    decodeValue: decodeConsumerGroupMemberMetadataValue,
  },
  ConsumerGroupTargetAssignmentMetadata: {
    keyVersion: 6,
    encodeKey: encodeConsumerGroupTargetAssignmentMetadataKey,
    decodeKey: decodeConsumerGroupTargetAssignmentMetadataKey,
    encodeValue: encodeConsumerGroupTargetAssignmentMetadataValue,
    decodeValue: decodeConsumerGroupTargetAssignmentMetadataValue,
  },
  ConsumerGroupTargetAssignmentMember: {
    keyVersion: 7,
    encodeKey: encodeConsumerGroupTargetAssignmentMemberKey,
    decodeKey: decodeConsumerGroupTargetAssignmentMemberKey,
    encodeValue: encodeConsumerGroupTargetAssignmentMemberValue,
    decodeValue: decodeConsumerGroupTargetAssignmentMemberValue,
  },
  ConsumerGroupCurrentMemberAssignment: {
    keyVersion: 8,
    encodeKey: encodeConsumerGroupCurrentMemberAssignmentKey,
    decodeKey: decodeConsumerGroupCurrentMemberAssignmentKey,
    encodeValue: encodeConsumerGroupCurrentMemberAssignmentValue,
    decodeValue: decodeConsumerGroupCurrentMemberAssignmentValue,
  },
}

const TYPE_BY_KEY_VERSION = new Map<number, GroupRecordType>([[0, 'OffsetCommit']])
for (const [type, codec] of Object.entries(CODECS)) TYPE_BY_KEY_VERSION.set(codec.keyVersion, type as GroupRecordType)

function encodeKey<K extends GroupRecordType>(type: K, key: RecordTypes[K]['key']): Buffer {
  const codec = CODECS[type] as Codec<K>
  const w = new Writer(64)
  w.writeInt16(codec.keyVersion)
  codec.encodeKey(w, codec.keyVersion, key)
  return w.toBuffer()
}

function encodeValue<K extends GroupRecordType>(type: K, version: number, value: RecordTypes[K]['value']): Buffer {
  const codec = CODECS[type] as Codec<K>
  const w = new Writer(128)
  w.writeInt16(version)
  codec.encodeValue(w, version, value)
  return w.toBuffer()
}

/** Kafka's GroupCoordinatorRecordSerde: int16 version + the key or value struct of that version. */
export const groupCoordinatorRecordSerde: CoordinatorRecordSerde<GroupCoordinatorRecord> = {
  serialize(record) {
    const key = encodeKey(record.type, record.key as never)
    const value = record.value === null ? null : encodeValue(record.type, record.valueVersion, record.value as never)
    return { key, value }
  },
  deserialize(keyBytes, valueBytes) {
    const kr = new Reader(keyBytes)
    const keyVersion = kr.readInt16()
    const type = TYPE_BY_KEY_VERSION.get(keyVersion)
    if (type === undefined) return null
    const codec = CODECS[type] as Codec<GroupRecordType>
    const key = codec.decodeKey(kr, keyVersion)
    if (valueBytes === null) return { type, key, value: null, valueVersion: -1 } as GroupCoordinatorRecord
    const vr = new Reader(valueBytes)
    const valueVersion = vr.readInt16()
    const value = codec.decodeValue(vr, valueVersion)
    return { type, key, value, valueVersion } as GroupCoordinatorRecord
  },
}
