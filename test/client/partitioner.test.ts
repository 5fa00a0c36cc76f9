import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  createDefaultPartitioner,
  createRoundRobinPartitioner,
  murmur2,
  partitionForKey,
  toPositive,
} from '../../src/client/partitioner.ts'

const require = createRequire(import.meta.url)

interface KafkajsPartitionerArgs {
  topic: string
  partitionMetadata: { partitionId: number; leader: number }[]
  message: { key?: Buffer | string | null; partition?: number | null }
}
/** kafkajs' DefaultPartitioner (its Java-compatible one), used as the reference implementation. */
const { Partitioners } = require('kafkajs') as {
  Partitioners: { DefaultPartitioner: () => (args: KafkajsPartitionerArgs) => number }
}

describe('murmur2', () => {
  it("matches the vectors of Kafka's Java UtilsTest.testMurmur2", () => {
    const cases: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ]
    for (const [key, hash] of cases) assert.equal(murmur2(Buffer.from(key)), hash, key)
  })

  it('toPositive clears the sign bit like Java (not Math.abs)', () => {
    assert.equal(toPositive(-973932308), -973932308 & 0x7fffffff)
    assert.equal(toPositive(-2147483648), 0)
    assert.equal(toPositive(5), 5)
  })
})

describe('partitionForKey', () => {
  it("puts every key on the partition kafkajs' DefaultPartitioner (= Java's) picks", () => {
    const reference = Partitioners.DefaultPartitioner()
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), fc.integer({ min: 1, max: 200 }), (bytes, count) => {
        const key = Buffer.from(bytes)
        const partitionMetadata = Array.from({ length: count }, (_, i) => ({ partitionId: i, leader: 0 }))
        const expected = reference({ topic: 't', partitionMetadata, message: { key } })
        assert.equal(partitionForKey(key, count), expected)
      }),
      { numRuns: 2000 },
    )
  })

  it('agrees with kafkajs on string keys', () => {
    const reference = Partitioners.DefaultPartitioner()
    const partitionMetadata = Array.from({ length: 12 }, (_, i) => ({ partitionId: i, leader: 0 }))
    for (let i = 0; i < 500; i++) {
      const key = `user-${i}`
      assert.equal(
        partitionForKey(Buffer.from(key), 12),
        reference({ topic: 't', partitionMetadata, message: { key } }),
      )
    }
  })
})

describe('partitioners for records without a key', () => {
  const args = (value: Buffer | null, availablePartitions: number[] = [0, 1, 2, 3]) => ({
    topic: 't',
    key: null,
    value,
    partitionCount: 4,
    availablePartitions,
  })

  it('default: sticks to one partition until about batchBytes went to it, then moves to another', () => {
    const partition = createDefaultPartitioner(1000)
    const value = Buffer.alloc(99)
    const first = partition(args(value))
    // Ten records of 100 bytes fill the sticky batch.
    for (let i = 1; i < 10; i++) assert.equal(partition(args(value)), first)
    const next = partition(args(value))
    assert.notEqual(next, first)
    assert.equal(partition(args(value)), next)
  })

  it('default: only picks partitions that have a leader', () => {
    const partition = createDefaultPartitioner(1)
    for (let i = 0; i < 50; i++) assert.ok([1, 3].includes(partition(args(Buffer.alloc(10), [1, 3]))))
  })

  it('round-robin: cycles through the available partitions', () => {
    const partition = createRoundRobinPartitioner()
    const seen = Array.from({ length: 8 }, () => partition(args(null)))
    for (let i = 1; i < seen.length; i++) assert.equal(seen[i], (seen[i - 1]! + 1) % 4)
  })

  it('keyed records ignore stickiness and round-robin', () => {
    const key = Buffer.from('same-key')
    const sticky = createDefaultPartitioner(16384)
    const rr = createRoundRobinPartitioner()
    for (let i = 0; i < 5; i++) {
      const a = { topic: 't', key, value: null, partitionCount: 7, availablePartitions: [0, 1, 2, 3, 4, 5, 6] }
      assert.equal(sticky(a), partitionForKey(key, 7))
      assert.equal(rr(a), partitionForKey(key, 7))
    }
  })
})
