import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { partitionForGroup } from '../../../src/coordinator/group/group-partition.ts'
import { type TransactionMetadata, txnRecordSerde } from '../../../src/coordinator/txn/records/txn-records.ts'
import { TRANSACTION_STATES, TransactionState, transitionTo } from '../../../src/coordinator/txn/txn-state.ts'
import { Writer } from '../../../src/protocol/primitives/writer.ts'

const ongoing: TransactionMetadata = {
  transactionalId: 'tx',
  producerId: 4000,
  prevProducerId: -1,
  producerEpoch: 3,
  lastProducerEpoch: -1,
  txnTimeoutMs: 60000,
  state: TransactionState.Ongoing,
  partitions: [
    { topic: 'a', partition: 0 },
    { topic: 'a', partition: 2 },
    { topic: 'b', partition: 1 },
  ],
  txnStartTimestamp: 1000,
  txnLastUpdateTimestamp: 2000,
}

describe('__transaction_state records', () => {
  it('write Kafka TransactionLogKey v0 and TransactionLogValue v0 byte for byte', () => {
    const { key, value } = txnRecordSerde.serialize({ transactionalId: 'tx', metadata: ongoing })
    assert.deepEqual(key, Buffer.from([0, 0, 0, 2, 0x74, 0x78]))
    const w = new Writer(128)
    w.writeInt16(0) // value version
    w.writeInt64(4000)
    w.writeInt16(3)
    w.writeInt32(60000)
    w.writeInt8(1) // Ongoing
    w.writeInt32(2) // two topics
    w.writeString('a')
    w.writeInt32(2)
    w.writeInt32(0)
    w.writeInt32(2)
    w.writeString('b')
    w.writeInt32(1)
    w.writeInt32(1)
    w.writeInt64(2000)
    w.writeInt64(1000)
    assert.deepEqual(value, w.toBuffer())
    assert.deepEqual(txnRecordSerde.deserialize(key, value), { transactionalId: 'tx', metadata: ongoing })
  })

  it('write Empty with a null partition list, tombstones as null values, and read flexible value v1', () => {
    const empty: TransactionMetadata = {
      ...ongoing,
      state: TransactionState.Empty,
      partitions: [],
      txnStartTimestamp: -1,
    }
    const { value } = txnRecordSerde.serialize({ transactionalId: 'tx', metadata: empty })
    assert.equal(value!.readInt32BE(2 + 8 + 2 + 4 + 1), -1, 'partitions is null')
    const tombstone = txnRecordSerde.serialize({ transactionalId: 'tx', metadata: null })
    assert.equal(tombstone.value, null)
    assert.deepEqual(txnRecordSerde.deserialize(tombstone.key, null), { transactionalId: 'tx', metadata: null })
    const w = new Writer(64)
    w.writeInt16(1)
    w.writeInt64(7)
    w.writeInt16(0)
    w.writeInt32(1000)
    w.writeInt8(4) // CompleteCommit
    w.writeCompactArray([], () => {})
    w.writeInt64(5)
    w.writeInt64(4)
    w.writeTaggedFields([[0, (t) => t.writeInt64(6)]])
    const decoded = txnRecordSerde.deserialize(tombstone.key, w.toBuffer())
    assert.equal(decoded?.metadata?.state, TransactionState.CompleteCommit)
    assert.equal(decoded?.metadata?.prevProducerId, 6)
    assert.equal(txnRecordSerde.deserialize(Buffer.from([0, 1, 0, 0]), null), null, 'unknown key version skipped')
  })

  it('place ids as Kafka: abs(String.hashCode) mod partitions', () => {
    // Java: "hello".hashCode() == 99162322; "polygenelubricants".hashCode() == Integer.MIN_VALUE (abs -> 0).
    assert.equal(partitionForGroup('hello', 50), 99162322 % 50)
    assert.equal(partitionForGroup('polygenelubricants', 50), 0)
  })
})

describe('TransactionState table', () => {
  it("is Kafka's: ids and valid previous states", () => {
    const table = Object.fromEntries(
      Object.entries(TRANSACTION_STATES).map(([name, s]) => [name, [s.id, [...s.validPreviousStates].sort()]]),
    )
    assert.deepEqual(table, {
      Empty: [0, ['CompleteAbort', 'CompleteCommit', 'Empty']],
      Ongoing: [1, ['CompleteAbort', 'CompleteCommit', 'Empty', 'Ongoing']],
      PrepareCommit: [2, ['Ongoing']],
      PrepareAbort: [3, ['Ongoing', 'PrepareEpochFence']],
      CompleteCommit: [4, ['PrepareCommit']],
      CompleteAbort: [5, ['PrepareAbort']],
      Dead: [6, ['CompleteAbort', 'CompleteCommit', 'Empty']],
      PrepareEpochFence: [7, ['Ongoing']],
    })
  })

  it('transitionTo asserts the table', () => {
    assert.equal(transitionTo('Ongoing', 'PrepareCommit'), 'PrepareCommit')
    assert.throws(() => transitionTo('Empty', 'PrepareCommit'), /not a valid previous state/)
    assert.throws(() => transitionTo('PrepareCommit', 'Ongoing'), /not a valid previous state/)
  })
})
