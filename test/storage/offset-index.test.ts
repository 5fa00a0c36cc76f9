import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { OffsetIndex } from '../../src/storage/offset-index.ts'
import { TimeIndex } from '../../src/storage/time-index.ts'

describe('OffsetIndex', () => {
  it('floor lookups match a linear scan (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 100_000 }), { maxLength: 200 }),
        fc.integer({ min: 0, max: 110_000 }),
        (rels, target) => {
          const sorted = [...rels].sort((a, b) => a - b)
          const index = new OffsetIndex(1000, 8 * 1000)
          for (const [i, rel] of sorted.entries()) index.append(1000 + rel, (i + 1) * 10)
          const expected = sorted.filter((r) => r <= target).length
          const got = index.lookup(1000 + target)
          if (expected === 0) assert.deepEqual(got, { offset: 1000, position: 0 })
          else assert.deepEqual(got, { offset: 1000 + sorted[expected - 1]!, position: expected * 10 })
        },
      ),
    )
  })

  it('encodes 8-byte entries and loads them back, rejecting inconsistent files', () => {
    const index = new OffsetIndex(50, 1024)
    index.append(55, 100)
    index.append(60, 250)
    const bytes = index.encode()
    assert.deepEqual([...bytes], [0, 0, 0, 5, 0, 0, 0, 100, 0, 0, 0, 10, 0, 0, 0, 250])
    const loaded = new OffsetIndex(50, 1024)
    assert.equal(loaded.load(bytes, 1000), null)
    assert.deepEqual(loaded.lookup(59), { offset: 55, position: 100 })
    assert.match(new OffsetIndex(50, 1024).load(bytes.subarray(0, 12), 1000)!, /multiple of 8/)
    assert.match(new OffsetIndex(50, 1024).load(bytes, 200)!, /past the log end/)
    assert.match(new OffsetIndex(50, 1024).load(Buffer.concat([bytes, bytes]), 1000)!, /does not follow/)
  })

  it('truncates entries at or after an offset, and is full at maxEntries', () => {
    const index = new OffsetIndex(0, 8 * 3)
    index.append(10, 100)
    index.append(20, 200)
    index.append(30, 300)
    assert.ok(index.isFull())
    index.truncateTo(20)
    assert.equal(index.entries, 1)
    assert.equal(index.lastOffset, 10)
  })
})

describe('TimeIndex', () => {
  it('appends only when the timestamp grows and looks up the floor', () => {
    const index = new TimeIndex(100, 12 * 10)
    index.maybeAppend(1000, 105)
    index.maybeAppend(1000, 110) // not larger: skipped
    index.maybeAppend(2000, 120)
    assert.equal(index.entries, 2)
    assert.deepEqual(index.lookup(999), { timestamp: -1, offset: 100 })
    assert.deepEqual(index.lookup(1500), { timestamp: 1000, offset: 105 })
    assert.deepEqual(index.lookup(5000), { timestamp: 2000, offset: 120 })
    const bytes = index.encode()
    assert.equal(bytes.length, 24)
    const loaded = new TimeIndex(100, 12 * 10)
    assert.equal(loaded.load(bytes, 1000), null)
    assert.deepEqual(loaded.lastEntry, { timestamp: 2000, offset: 120 })
    assert.match(new TimeIndex(100, 120).load(bytes, 115)!, /at or past/)
    index.truncateTo(110)
    assert.deepEqual(index.lastEntry, { timestamp: 1000, offset: 105 })
  })
})
