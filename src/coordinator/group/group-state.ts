import assert from 'node:assert/strict'

/**
 * The states of a classic (JoinGroup/SyncGroup) group, Kafka's ClassicGroupState:
 *
 * - Empty: no members; committed offsets may still exist (and expire).
 * - PreparingRebalance: members must (re)join; JoinGroup requests are parked until all joined or the
 *   rebalance timeout fires.
 * - CompletingRebalance: the next generation exists; members wait for the leader's assignment (SyncGroup).
 * - Stable: assignments delivered; heartbeats keep members alive.
 * - Dead: the group was deleted or its partition unloaded; requests get COORDINATOR_NOT_AVAILABLE.
 */
export const ClassicGroupState = {
  Empty: 'Empty',
  PreparingRebalance: 'PreparingRebalance',
  CompletingRebalance: 'CompletingRebalance',
  Stable: 'Stable',
  Dead: 'Dead',
} as const
export type ClassicGroupState = (typeof ClassicGroupState)[keyof typeof ClassicGroupState]

const S = ClassicGroupState

/** The only legal transitions: each state's valid previous states. */
export const VALID_PREVIOUS_STATES: { readonly [T in ClassicGroupState]: ReadonlySet<ClassicGroupState> } = {
  [S.Empty]: new Set([S.PreparingRebalance]),
  [S.PreparingRebalance]: new Set([S.Stable, S.CompletingRebalance, S.Empty]),
  [S.CompletingRebalance]: new Set([S.PreparingRebalance]),
  [S.Stable]: new Set([S.CompletingRebalance]),
  [S.Dead]: new Set([S.Stable, S.PreparingRebalance, S.CompletingRebalance, S.Empty, S.Dead]),
}

/** Asserts that `from` → `to` is a legal transition. */
export function assertValidTransition(groupId: string, from: ClassicGroupState, to: ClassicGroupState): void {
  assert(
    VALID_PREVIOUS_STATES[to].has(from),
    `Group ${groupId} should be in one of ${[...VALID_PREVIOUS_STATES[to]].join(', ')} states before moving to ${to} state. Instead it is in ${from} state.`,
  )
}

/** Kafka's state names in lower case, for ListGroups' case-insensitive states filter. */
export function stateMatches(state: string, filter: ReadonlySet<string>): boolean {
  return filter.has(state.toLowerCase())
}
