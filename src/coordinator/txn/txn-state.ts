import { SamsaError, SamsaErrorCode } from '../../common/errors.ts'

/**
 * Kafka's TransactionState: the states of a transactional id, their ids in `__transaction_state`
 * (TransactionLogValue.transactionStatus) and names (DescribeTransactions, ListTransactions).
 *
 *   Empty ──AddPartitions──▶ Ongoing ──EndTxn(commit)──▶ PrepareCommit ──markers written──▶ CompleteCommit
 *                            Ongoing ──EndTxn(abort)───▶ PrepareAbort  ──markers written──▶ CompleteAbort
 *                            Ongoing ──fence (InitProducerId, timeout)──▶ PrepareEpochFence ──▶ PrepareAbort
 *   Empty / CompleteCommit / CompleteAbort ──InitProducerId──▶ Empty;  ──expiry──▶ Dead (tombstone)
 */
export const TransactionState = {
  Empty: 'Empty',
  Ongoing: 'Ongoing',
  PrepareCommit: 'PrepareCommit',
  PrepareAbort: 'PrepareAbort',
  CompleteCommit: 'CompleteCommit',
  CompleteAbort: 'CompleteAbort',
  Dead: 'Dead',
  PrepareEpochFence: 'PrepareEpochFence',
} as const
export type TransactionState = (typeof TransactionState)[keyof typeof TransactionState]

const S = TransactionState

/** Each state's id in the log and the states it may be entered from (Kafka's validPreviousStates). */
export const TRANSACTION_STATES: Readonly<
  Record<TransactionState, { readonly id: number; readonly validPreviousStates: readonly TransactionState[] }>
> = {
  Empty: { id: 0, validPreviousStates: [S.Empty, S.CompleteCommit, S.CompleteAbort] },
  Ongoing: { id: 1, validPreviousStates: [S.Ongoing, S.Empty, S.CompleteCommit, S.CompleteAbort] },
  PrepareCommit: { id: 2, validPreviousStates: [S.Ongoing] },
  PrepareAbort: { id: 3, validPreviousStates: [S.Ongoing, S.PrepareEpochFence] },
  CompleteCommit: { id: 4, validPreviousStates: [S.PrepareCommit] },
  CompleteAbort: { id: 5, validPreviousStates: [S.PrepareAbort] },
  Dead: { id: 6, validPreviousStates: [S.Empty, S.CompleteAbort, S.CompleteCommit] },
  PrepareEpochFence: { id: 7, validPreviousStates: [S.Ongoing] },
}

const BY_ID = new Map(Object.entries(TRANSACTION_STATES).map(([name, s]) => [s.id, name as TransactionState]))

/** The state a log value's transactionStatus names; throws on an unknown id (a corrupt log). */
export function transactionStateFromId(id: number): TransactionState {
  const state = BY_ID.get(id)
  if (state === undefined)
    throw new SamsaError(SamsaErrorCode.StorageCorrupt, `unknown transaction state id ${id} in __transaction_state`)
  return state
}

export function isTransactionStateName(name: string): name is TransactionState {
  return Object.hasOwn(TRANSACTION_STATES, name)
}

/** The one place a transition is checked: throws (a programming error, as in Kafka) when `to` may not follow `from`. */
export function transitionTo(from: TransactionState, to: TransactionState): TransactionState {
  if (!TRANSACTION_STATES[to].validPreviousStates.includes(from)) {
    throw new Error(
      `Preparing transaction state transition to ${to} failed since ${from} is not a valid previous state`,
    )
  }
  return to
}

/** Empty, CompleteCommit and CompleteAbort may expire (transactional.id.expiration.ms). */
export function isExpirationAllowed(state: TransactionState): boolean {
  return state === S.Empty || state === S.CompleteCommit || state === S.CompleteAbort
}
