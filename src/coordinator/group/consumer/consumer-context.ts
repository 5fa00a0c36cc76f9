import type { Logger } from '../../../common/log.ts'
import type { MetadataImage } from '../../../metadata/image/metadata-image.ts'
import type { CoordinatorTimer } from '../../runtime/coordinator-timer.ts'
import type { PartitionAssignor } from '../assignors/partition-assignor.ts'
import type { GroupCoordinatorConfig } from '../group-coordinator-config.ts'
import type { AnyGroup } from '../group-metadata-manager.ts'
import type { GroupCoordinatorRecord } from '../records/group-coordinator-record.ts'

/** What the KIP-848 operations need from the shard. */
export interface ConsumerContext {
  readonly config: GroupCoordinatorConfig
  readonly timer: CoordinatorTimer<GroupCoordinatorRecord>
  readonly log: Logger
  /** The newest metadata image (topic ids and partition counts of subscribed topics). */
  readonly image: () => MetadataImage
  readonly assignors: ReadonlyMap<string, PartitionAssignor>
  readonly defaultAssignor: PartitionAssignor
  group(groupId: string): AnyGroup | undefined
}
