/**
 * The fetch session cache's eviction rules (Kafka's FetchSessionCache.tryEvict), on a fake clock: a full
 * cache takes a new session only in place of a stale one (unused for the eviction time), or of the
 * least valuable evictable one: follower sessions may evict consumer sessions, and any session may evict
 * one created more than the eviction time ago that holds no more partitions.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FetchSessionCache, nextSessionEpoch, type SessionPartition } from '../../src/broker/fetch-session-cache.ts'
import { FakeScheduler } from '../../src/common/scheduler.ts'

const EVICTION_MS = 120_000

function partitions(n: number): Map<string, SessionPartition> {
  const m = new Map<string, SessionPartition>()
  for (let i = 0; i < n; i++) {
    m.set(`t:${i}`, {
      topic: 't',
      topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
      partition: i,
      fetchOffset: 0,
      partitionMaxBytes: 1024,
      currentLeaderEpoch: -1,
      lastHighWatermark: -1,
      lastLogStartOffset: -1,
    })
  }
  return m
}

function setup(slotsMax: number) {
  const clock = new FakeScheduler()
  return { clock, cache: new FetchSessionCache(clock, { slotsMax, evictionMs: EVICTION_MS }) }
}

describe('FetchSessionCache', () => {
  it('hands out distinct positive ids, epoch 1 first, while there is room', () => {
    const { cache } = setup(3)
    const ids = [1, 2, 3].map(() => cache.maybeCreate(false, false, partitions(1)))
    assert.ok(ids.every((s) => s !== null && s.id > 0 && s.epoch === 1))
    assert.equal(new Set(ids.map((s) => s!.id)).size, 3)
    assert.equal(cache.size, 3)
  })

  it('a full cache of recently created consumer sessions refuses a new consumer session', () => {
    const { cache, clock } = setup(2)
    cache.maybeCreate(false, false, partitions(1))
    cache.maybeCreate(false, false, partitions(1))
    clock.advance(EVICTION_MS / 2)
    assert.equal(cache.maybeCreate(false, false, partitions(50)), null)
    assert.equal(cache.size, 2)
    assert.equal(cache.evictions, 0)
  })

  it('evicts the least recently used session once it has been unused for the eviction time', () => {
    const { cache, clock } = setup(2)
    const a = cache.maybeCreate(false, false, partitions(5))!
    const b = cache.maybeCreate(false, false, partitions(5))!
    clock.advance(EVICTION_MS / 2)
    cache.touch(b)
    clock.advance(EVICTION_MS / 2 + 1)
    const c = cache.maybeCreate(false, false, partitions(1))
    assert.ok(c !== null)
    assert.equal(cache.get(a.id), undefined, 'the stale session is gone')
    assert.equal(cache.get(b.id), b, 'the recently used one stays')
    assert.equal(cache.evictions, 1)
  })

  it('a session older than the eviction time, though in use, yields to one with at least as many partitions', () => {
    const { cache, clock } = setup(2)
    const small = cache.maybeCreate(false, false, partitions(2))!
    const large = cache.maybeCreate(false, false, partitions(10))!
    // Both keep fetching; they count as evictable from the first touch after the eviction time.
    for (let t = 0; t < 5; t++) {
      clock.advance(EVICTION_MS / 4)
      cache.touch(small)
      cache.touch(large)
    }
    assert.equal(cache.maybeCreate(false, false, partitions(1)), null, 'fewer partitions than any: refused')
    const c = cache.maybeCreate(false, false, partitions(3))
    assert.ok(c !== null)
    assert.equal(cache.get(small.id), undefined, 'the smallest evictable session made room')
    assert.equal(cache.get(large.id), large)
  })

  it("a follower's session evicts a consumer's, never the other way round", () => {
    const { cache, clock } = setup(1)
    const consumer = cache.maybeCreate(false, false, partitions(100))!
    const follower = cache.maybeCreate(true, false, partitions(1))
    assert.ok(follower !== null)
    assert.equal(cache.get(consumer.id), undefined)
    clock.advance(EVICTION_MS / 2)
    cache.touch(follower)
    assert.equal(cache.maybeCreate(false, false, partitions(100)), null)
    assert.equal(cache.get(follower.id), follower)
  })

  it('removes a closed session', () => {
    const { cache } = setup(1)
    const s = cache.maybeCreate(false, true, partitions(1))!
    cache.remove(s.id)
    assert.equal(cache.get(s.id), undefined)
    assert.ok(cache.maybeCreate(false, true, partitions(1)) !== null)
  })

  it('epochs advance by one and wrap to 1, never 0 or -1', () => {
    assert.equal(nextSessionEpoch(1), 2)
    assert.equal(nextSessionEpoch(0x7fffffff), 1)
    assert.equal(nextSessionEpoch(-1), -1)
  })
})
