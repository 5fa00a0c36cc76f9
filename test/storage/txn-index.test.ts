import assert from 'node:assert/strict'
import fs from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { silentLogger } from '../../src/common/log.ts'
import {
  ABORTED_TXN_BYTES,
  type AbortedTxn,
  decodeAbortedTxns,
  encodeAbortedTxns,
  TransactionIndexes,
  txnIndexFilePath,
} from '../../src/storage/txn-index.ts'
import { tempDir } from './helpers.ts'

const dirs: { cleanup(): void }[] = []
function dir(): string {
  const d = tempDir()
  dirs.push(d)
  return d.path
}
after(() => {
  for (const d of dirs) d.cleanup()
})

const txn = (producerId: number, firstOffset: number, lastOffset: number, lastStableOffset: number): AbortedTxn => ({
  producerId,
  firstOffset,
  lastOffset,
  lastStableOffset,
})

describe('transaction index (.txnindex)', () => {
  it('encodes Kafka 34-byte AbortedTxn entries, version 0', () => {
    const buf = encodeAbortedTxns([txn(2 ** 40, 5, 9, 10)])
    assert.equal(buf.length, ABORTED_TXN_BYTES)
    assert.equal(buf.readInt16BE(0), 0)
    assert.equal(buf.readBigInt64BE(2), 2n ** 40n)
    assert.equal(buf.readBigInt64BE(10), 5n)
    assert.equal(buf.readBigInt64BE(18), 9n)
    assert.equal(buf.readBigInt64BE(26), 10n)
    assert.deepEqual(decodeAbortedTxns(buf), [txn(2 ** 40, 5, 9, 10)])
    buf.writeInt16BE(1, 0)
    assert.equal(decodeAbortedTxns(buf), null)
  })

  it('collects across segments until an entry whose last stable offset reaches the upper bound', async () => {
    const d = dir()
    const indexes = new TransactionIndexes(d)
    await indexes.append(0, txn(1, 0, 10, 3))
    await indexes.append(0, txn(2, 3, 12, 20))
    await indexes.append(100, txn(3, 90, 105, 106))
    assert.deepEqual(indexes.collect(0, 5, 0), [txn(1, 0, 10, 3), txn(2, 3, 12, 20)])
    assert.deepEqual(indexes.collect(11, 90, 0), [txn(2, 3, 12, 20)])
    assert.deepEqual(indexes.collect(11, 101, 0), [txn(2, 3, 12, 20), txn(3, 90, 105, 106)])
    assert.deepEqual(indexes.collect(100, 101, 100), [txn(3, 90, 105, 106)])
    await indexes.idle()
    assert.equal(fs.statSync(txnIndexFilePath(d, 0)).size, 2 * ABORTED_TXN_BYTES)
  })

  it('truncates, takes the entries a cleaner swap kept, and loads from disk dropping orphans', async () => {
    const d = dir()
    const indexes = new TransactionIndexes(d)
    await indexes.append(0, txn(1, 0, 10, 11))
    await indexes.append(50, txn(2, 40, 55, 56))
    await indexes.append(80, txn(3, 70, 85, 86))
    await indexes.truncateTo(85)
    assert.deepEqual(indexes.segmentBases, [0, 50])
    assert.ok(!fs.existsSync(txnIndexFilePath(d, 80)))
    // The cleaner kept the second transaction's ABORT marker only.
    await indexes.replaceSegments(0, [0, 50], [txn(2, 40, 55, 56)])
    assert.deepEqual(indexes.segmentBases, [0])
    assert.ok(!fs.existsSync(txnIndexFilePath(d, 50)))
    fs.writeFileSync(join(d, '00000000000000000077.txnindex'), encodeAbortedTxns([txn(9, 1, 2, 3)]))
    const loaded = TransactionIndexes.loadSync(d, [0], silentLogger())
    assert.deepEqual(loaded.allAbortedTxns(), [txn(2, 40, 55, 56)])
    assert.ok(!fs.existsSync(join(d, '00000000000000000077.txnindex')))
  })
})
