/*
 * Error codes the streams assignor carries in its subscription and assignment metadata, with
 * Kafka Streams' numbers (org.apache.kafka.streams.processor.internals.assignment.AssignorError,
 * KIP-671 for SHUTDOWN_REQUESTED):
 *   subscription  a member asks the whole application to stop: SHUTDOWN_REQUESTED
 *   assignment    the leader tells every member what happened: SHUTDOWN_REQUESTED → every
 *                 instance stops (PENDING_ERROR → ERROR) instead of taking tasks
 * Tributary only sends NONE and SHUTDOWN_REQUESTED; the others are listed so a decoded code can
 * be named.
 */
export const AssignorError = {
  NONE: 0,
  INCOMPLETE_SOURCE_TOPIC_METADATA: 1,
  VERSION_PROBING: 2,
  ASSIGNMENT_ERROR: 3,
  SHUTDOWN_REQUESTED: 4,
} as const;
export type AssignorError = (typeof AssignorError)[keyof typeof AssignorError];
