/** A batch of records the quorum has committed, delivered to listeners in log order. */
export interface CommittedBatch {
  readonly baseOffset: number
  readonly lastOffset: number
  readonly epoch: number
  readonly appendTimestampMs: number
  /** Record values (Kafka's metadata log stores records with null keys). */
  readonly records: readonly Buffer[]
}

export interface RaftListener {
  /**
   * Called once per committed batch, in offset order, during start-up replay and afterwards. The
   * append that produced the batch resolves only after the returned promise settles, so a writer sees
   * its own change applied everywhere in this process.
   */
  handleCommit(batch: CommittedBatch): Promise<void> | void
  handleLeaderChange?(leaderId: number, epoch: number): void
}

/**
 * A replicated log with Kafka's KRaft semantics (Vote, BeginQuorumEpoch, Fetch ...) as seen by its
 * users: append records as the leader, and observe what commits. The single-node default is a quorum
 * of one voter (LocalRaftClient); the multi-voter quorum implements the same interface.
 */
export interface RaftClient {
  readonly nodeId: number
  /** Current leader's node id, or -1 when unknown. */
  readonly leaderId: number
  readonly epoch: number
  register(listener: RaftListener): void
  /** Opens the log and replays every committed batch to the registered listeners. */
  start(): Promise<void>
  /**
   * Appends `records` as one batch (atomically) and resolves with its last offset once it is committed
   * and every listener has handled it. Rejects when this node is not the leader.
   */
  append(records: readonly Buffer[]): Promise<number>
  shutdown(): Promise<void>
}
