import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FakeScheduler } from '../../../src/common/scheduler.ts'
import { ClassicGroup } from '../../../src/coordinator/group/classic-group.ts'
import { ClassicGroupState, VALID_PREVIOUS_STATES } from '../../../src/coordinator/group/group-state.ts'

const S = ClassicGroupState
const ALL = Object.values(S)

test("every transition in Kafka's table is allowed and every other one asserts", () => {
  const clock = new FakeScheduler()
  for (const from of ALL) {
    for (const to of ALL) {
      const g = new ClassicGroup({ groupId: 'g', state: from, clock })
      const legal = VALID_PREVIOUS_STATES[to].has(from)
      if (legal) {
        g.transitionTo(to)
        assert.equal(g.state, to)
        assert.equal(g.previousState, from)
      } else {
        assert.throws(() => g.transitionTo(to), /should be in one of/, `${from} -> ${to}`)
        assert.equal(g.state, from)
      }
    }
  }
})

test('the table is Kafka ClassicGroupState', () => {
  assert.deepEqual([...VALID_PREVIOUS_STATES.Empty], [S.PreparingRebalance])
  assert.deepEqual(
    new Set(VALID_PREVIOUS_STATES.PreparingRebalance),
    new Set([S.Stable, S.CompletingRebalance, S.Empty]),
  )
  assert.deepEqual([...VALID_PREVIOUS_STATES.CompletingRebalance], [S.PreparingRebalance])
  assert.deepEqual([...VALID_PREVIOUS_STATES.Stable], [S.CompletingRebalance])
  assert.equal(VALID_PREVIOUS_STATES.Dead.size, 5)
})

test('a transition records when the group entered its state (offset expiry counts from Empty)', () => {
  const clock = new FakeScheduler(1_000)
  const g = new ClassicGroup({ groupId: 'g', state: S.PreparingRebalance, clock })
  clock.advance(500)
  g.transitionTo(S.Empty)
  assert.equal(g.currentStateTimestampMs, 1_500)
})
