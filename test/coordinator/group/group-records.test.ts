import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { javaStringHashCode, partitionForGroup } from '../../../src/coordinator/group/group-partition.ts'
import { groupCoordinatorRecordSerde as serde } from '../../../src/coordinator/group/records/group-coordinator-record.ts'
import {
  newGroupMetadataTombstone,
  newOffsetCommitRecord,
  newOffsetCommitTombstone,
} from '../../../src/coordinator/group/records/group-records.ts'

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex')

describe('__consumer_offsets records in Kafka byte format', () => {
  test('offset commit key v1 and value v3, checked by hand', () => {
    const { key, value } = serde.serialize(
      newOffsetCommitRecord('g1', 't', 2, {
        committedOffset: 100,
        leaderEpoch: 5,
        metadata: 'm',
        commitTimestampMs: 1_700_000_000_000,
        expireTimestampMs: null,
        recordOffset: -1,
      }),
    )
    // int16 version 1 · string "g1" · string "t" · int32 2
    assert.deepEqual(key, hex('0001 0002 6731 0001 74 00000002'))
    // int16 version 3 · int64 offset 100 · int32 leader epoch 5 · string "m" · int64 commit timestamp
    assert.deepEqual(value, hex('0003 0000000000000064 00000005 0001 6d 0000018bcfe56800'))
    assert.deepEqual(serde.deserialize(key, value), {
      type: 'OffsetCommit',
      key: { group: 'g1', topic: 't', partition: 2 },
      value: { offset: 100, leaderEpoch: 5, metadata: 'm', commitTimestamp: 1_700_000_000_000, expireTimestamp: -1 },
      valueVersion: 3,
    })
  })

  test('a commit with an expire timestamp is written as value v1 (no leader epoch, with expireTimestamp)', () => {
    const { value } = serde.serialize(
      newOffsetCommitRecord('g1', 't', 0, {
        committedOffset: 1,
        leaderEpoch: -1,
        metadata: '',
        commitTimestampMs: 1000,
        expireTimestampMs: 2000,
        recordOffset: -1,
      }),
    )
    assert.deepEqual(value, hex('0001 0000000000000001 0000 00000000000003e8 00000000000007d0'))
  })

  test('offset commit key v0 (older Kafka) is read as an offset commit', () => {
    const r = serde.deserialize(hex('0000 0002 6731 0001 74 00000002'), null)
    assert.equal(r?.type, 'OffsetCommit')
    assert.equal(r?.value, null)
  })

  test('tombstones have a null value; group metadata key is version 2', () => {
    assert.equal(serde.serialize(newOffsetCommitTombstone('g', 't', 0)).value, null)
    const { key, value } = serde.serialize(newGroupMetadataTombstone('g1'))
    assert.deepEqual(key, hex('0002 0002 6731'))
    assert.equal(value, null)
  })

  test('group metadata value v3 layout', () => {
    const record = {
      type: 'GroupMetadata' as const,
      key: { group: 'g1' },
      value: {
        protocolType: 'consumer',
        generation: 1,
        protocol: 'range',
        leader: 'm1',
        currentStateTimestamp: 1000,
        members: [
          {
            memberId: 'm1',
            groupInstanceId: null,
            clientId: 'c',
            clientHost: '/h',
            rebalanceTimeout: 30000,
            sessionTimeout: 10000,
            subscription: Buffer.from([1]),
            assignment: Buffer.from([2]),
          },
        ],
      },
      valueVersion: 3,
    }
    const { value } = serde.serialize(record)
    const expected = hex(
      '0003 0008 636f6e73756d6572 00000001 0005 72616e6765 0002 6d31 00000000000003e8' +
        ' 00000001 0002 6d31 ffff 0001 63 0002 2f68 00007530 00002710 00000001 01 00000001 02',
    )
    assert.deepEqual(value, expected)
    assert.deepEqual(serde.deserialize(serde.serialize(record).key, value), record)
  })

  test('unknown record types (share groups, key version 9+) are skipped', () => {
    assert.equal(serde.deserialize(hex('0009 0001 61'), null), null)
  })
})

describe('group partition = abs(Java String.hashCode) mod partitions', () => {
  test('Java hash codes', () => {
    assert.equal(javaStringHashCode(''), 0)
    assert.equal(javaStringHashCode('hello'), 99162322)
    assert.equal(javaStringHashCode('Aa'), javaStringHashCode('BB'))
    assert.equal(javaStringHashCode('polygenelubricants'), -2147483648)
  })

  test('Utils.abs maps Integer.MIN_VALUE to 0; negative hashes are made positive', () => {
    assert.equal(partitionForGroup('polygenelubricants', 50), 0)
    assert.equal(partitionForGroup('hello', 50), 99162322 % 50)
    const negative = 'console-consumer-12345'
    const h = javaStringHashCode(negative)
    assert.equal(partitionForGroup(negative, 50), Math.abs(h) % 50)
  })
})
