/*
 * The API registry: every API the codec implements, keyed by API key, with its version range,
 * first flexible version, and request/response schemas. This is the single list the broker's
 * ApiVersions answer and dispatch table are built from (the broker may advertise less).
 *
 * `ApiTypes` maps each key to its request and response types so frame-level helpers and
 * handlers are typed: `ApiTypes[0]['request']` is ProduceRequest.
 */
import type { MessageDef } from '../schema.ts';
import { parseVersions } from '../schema.ts';
import { ProduceRequestSchema, ProduceResponseSchema } from './00-produce.ts';
import type { ProduceRequest, ProduceResponse } from './00-produce.ts';
import { FetchRequestSchema, FetchResponseSchema } from './01-fetch.ts';
import type { FetchRequest, FetchResponse } from './01-fetch.ts';
import { ListOffsetsRequestSchema, ListOffsetsResponseSchema } from './02-list-offsets.ts';
import type { ListOffsetsRequest, ListOffsetsResponse } from './02-list-offsets.ts';
import { MetadataRequestSchema, MetadataResponseSchema } from './03-metadata.ts';
import type { MetadataRequest, MetadataResponse } from './03-metadata.ts';
import { OffsetCommitRequestSchema, OffsetCommitResponseSchema } from './08-offset-commit.ts';
import type { OffsetCommitRequest, OffsetCommitResponse } from './08-offset-commit.ts';
import { OffsetFetchRequestSchema, OffsetFetchResponseSchema } from './09-offset-fetch.ts';
import type { OffsetFetchRequest, OffsetFetchResponse } from './09-offset-fetch.ts';
import { FindCoordinatorRequestSchema, FindCoordinatorResponseSchema } from './10-find-coordinator.ts';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from './10-find-coordinator.ts';
import { JoinGroupRequestSchema, JoinGroupResponseSchema } from './11-join-group.ts';
import type { JoinGroupRequest, JoinGroupResponse } from './11-join-group.ts';
import { HeartbeatRequestSchema, HeartbeatResponseSchema } from './12-heartbeat.ts';
import type { HeartbeatRequest, HeartbeatResponse } from './12-heartbeat.ts';
import { LeaveGroupRequestSchema, LeaveGroupResponseSchema } from './13-leave-group.ts';
import type { LeaveGroupRequest, LeaveGroupResponse } from './13-leave-group.ts';
import { SyncGroupRequestSchema, SyncGroupResponseSchema } from './14-sync-group.ts';
import type { SyncGroupRequest, SyncGroupResponse } from './14-sync-group.ts';
import { DescribeGroupsRequestSchema, DescribeGroupsResponseSchema } from './15-describe-groups.ts';
import type { DescribeGroupsRequest, DescribeGroupsResponse } from './15-describe-groups.ts';
import { ListGroupsRequestSchema, ListGroupsResponseSchema } from './16-list-groups.ts';
import type { ListGroupsRequest, ListGroupsResponse } from './16-list-groups.ts';
import { SaslHandshakeRequestSchema, SaslHandshakeResponseSchema } from './17-sasl-handshake.ts';
import type { SaslHandshakeRequest, SaslHandshakeResponse } from './17-sasl-handshake.ts';
import { ApiVersionsRequestSchema, ApiVersionsResponseSchema } from './18-api-versions.ts';
import type { ApiVersionsRequest, ApiVersionsResponse } from './18-api-versions.ts';
import { CreateTopicsRequestSchema, CreateTopicsResponseSchema } from './19-create-topics.ts';
import type { CreateTopicsRequest, CreateTopicsResponse } from './19-create-topics.ts';
import { DeleteTopicsRequestSchema, DeleteTopicsResponseSchema } from './20-delete-topics.ts';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from './20-delete-topics.ts';
import { DeleteRecordsRequestSchema, DeleteRecordsResponseSchema } from './21-delete-records.ts';
import type { DeleteRecordsRequest, DeleteRecordsResponse } from './21-delete-records.ts';
import { InitProducerIdRequestSchema, InitProducerIdResponseSchema } from './22-init-producer-id.ts';
import type { InitProducerIdRequest, InitProducerIdResponse } from './22-init-producer-id.ts';
import { AddPartitionsToTxnRequestSchema, AddPartitionsToTxnResponseSchema } from './24-add-partitions-to-txn.ts';
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from './24-add-partitions-to-txn.ts';
import { AddOffsetsToTxnRequestSchema, AddOffsetsToTxnResponseSchema } from './25-add-offsets-to-txn.ts';
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from './25-add-offsets-to-txn.ts';
import { EndTxnRequestSchema, EndTxnResponseSchema } from './26-end-txn.ts';
import type { EndTxnRequest, EndTxnResponse } from './26-end-txn.ts';
import { TxnOffsetCommitRequestSchema, TxnOffsetCommitResponseSchema } from './28-txn-offset-commit.ts';
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from './28-txn-offset-commit.ts';
import { DescribeAclsRequestSchema, DescribeAclsResponseSchema } from './29-describe-acls.ts';
import type { DescribeAclsRequest, DescribeAclsResponse } from './29-describe-acls.ts';
import { CreateAclsRequestSchema, CreateAclsResponseSchema } from './30-create-acls.ts';
import type { CreateAclsRequest, CreateAclsResponse } from './30-create-acls.ts';
import { DeleteAclsRequestSchema, DeleteAclsResponseSchema } from './31-delete-acls.ts';
import type { DeleteAclsRequest, DeleteAclsResponse } from './31-delete-acls.ts';
import { CreatePartitionsRequestSchema, CreatePartitionsResponseSchema } from './37-create-partitions.ts';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from './37-create-partitions.ts';
import { SaslAuthenticateRequestSchema, SaslAuthenticateResponseSchema } from './36-sasl-authenticate.ts';
import type { SaslAuthenticateRequest, SaslAuthenticateResponse } from './36-sasl-authenticate.ts';
import { DescribeConfigsRequestSchema, DescribeConfigsResponseSchema } from './32-describe-configs.ts';
import type { DescribeConfigsRequest, DescribeConfigsResponse } from './32-describe-configs.ts';
import { DescribeLogDirsRequestSchema, DescribeLogDirsResponseSchema } from './35-describe-log-dirs.ts';
import type { DescribeLogDirsRequest, DescribeLogDirsResponse } from './35-describe-log-dirs.ts';
import { DeleteGroupsRequestSchema, DeleteGroupsResponseSchema } from './42-delete-groups.ts';
import type { DeleteGroupsRequest, DeleteGroupsResponse } from './42-delete-groups.ts';
import { DescribeUserScramCredentialsRequestSchema, DescribeUserScramCredentialsResponseSchema } from './50-describe-user-scram-credentials.ts';
import type { DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse } from './50-describe-user-scram-credentials.ts';
import { AlterUserScramCredentialsRequestSchema, AlterUserScramCredentialsResponseSchema } from './51-alter-user-scram-credentials.ts';
import type { AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse } from './51-alter-user-scram-credentials.ts';
import { DescribeProducersRequestSchema, DescribeProducersResponseSchema } from './61-describe-producers.ts';
import type { DescribeProducersRequest, DescribeProducersResponse } from './61-describe-producers.ts';
import { DescribeTransactionsRequestSchema, DescribeTransactionsResponseSchema } from './65-describe-transactions.ts';
import type { DescribeTransactionsRequest, DescribeTransactionsResponse } from './65-describe-transactions.ts';
import { ListTransactionsRequestSchema, ListTransactionsResponseSchema } from './66-list-transactions.ts';
import type { ListTransactionsRequest, ListTransactionsResponse } from './66-list-transactions.ts';

export interface ApiDefinition {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First flexible version, or null when no implemented version is flexible. */
  readonly firstFlexibleVersion: number | null;
  readonly request: MessageDef;
  readonly response: MessageDef;
}

function api(apiKey: number, name: string, request: MessageDef, response: MessageDef): ApiDefinition {
  const valid = parseVersions(request.validVersions);
  const flex = parseVersions(request.flexibleVersions);
  return {
    apiKey,
    name,
    minVersion: valid.min,
    maxVersion: valid.max,
    firstFlexibleVersion: flex.min <= flex.max && flex.min <= valid.max ? Math.max(flex.min, valid.min) : null,
    request,
    response,
  };
}

const DEFINITIONS: readonly ApiDefinition[] = [
  api(0, 'Produce', ProduceRequestSchema, ProduceResponseSchema),
  api(1, 'Fetch', FetchRequestSchema, FetchResponseSchema),
  api(2, 'ListOffsets', ListOffsetsRequestSchema, ListOffsetsResponseSchema),
  api(3, 'Metadata', MetadataRequestSchema, MetadataResponseSchema),
  api(8, 'OffsetCommit', OffsetCommitRequestSchema, OffsetCommitResponseSchema),
  api(9, 'OffsetFetch', OffsetFetchRequestSchema, OffsetFetchResponseSchema),
  api(10, 'FindCoordinator', FindCoordinatorRequestSchema, FindCoordinatorResponseSchema),
  api(11, 'JoinGroup', JoinGroupRequestSchema, JoinGroupResponseSchema),
  api(12, 'Heartbeat', HeartbeatRequestSchema, HeartbeatResponseSchema),
  api(13, 'LeaveGroup', LeaveGroupRequestSchema, LeaveGroupResponseSchema),
  api(14, 'SyncGroup', SyncGroupRequestSchema, SyncGroupResponseSchema),
  api(15, 'DescribeGroups', DescribeGroupsRequestSchema, DescribeGroupsResponseSchema),
  api(16, 'ListGroups', ListGroupsRequestSchema, ListGroupsResponseSchema),
  api(17, 'SaslHandshake', SaslHandshakeRequestSchema, SaslHandshakeResponseSchema),
  api(18, 'ApiVersions', ApiVersionsRequestSchema, ApiVersionsResponseSchema),
  api(19, 'CreateTopics', CreateTopicsRequestSchema, CreateTopicsResponseSchema),
  api(20, 'DeleteTopics', DeleteTopicsRequestSchema, DeleteTopicsResponseSchema),
  api(21, 'DeleteRecords', DeleteRecordsRequestSchema, DeleteRecordsResponseSchema),
  api(22, 'InitProducerId', InitProducerIdRequestSchema, InitProducerIdResponseSchema),
  api(24, 'AddPartitionsToTxn', AddPartitionsToTxnRequestSchema, AddPartitionsToTxnResponseSchema),
  api(25, 'AddOffsetsToTxn', AddOffsetsToTxnRequestSchema, AddOffsetsToTxnResponseSchema),
  api(26, 'EndTxn', EndTxnRequestSchema, EndTxnResponseSchema),
  api(28, 'TxnOffsetCommit', TxnOffsetCommitRequestSchema, TxnOffsetCommitResponseSchema),
  api(29, 'DescribeAcls', DescribeAclsRequestSchema, DescribeAclsResponseSchema),
  api(30, 'CreateAcls', CreateAclsRequestSchema, CreateAclsResponseSchema),
  api(31, 'DeleteAcls', DeleteAclsRequestSchema, DeleteAclsResponseSchema),
  api(32, 'DescribeConfigs', DescribeConfigsRequestSchema, DescribeConfigsResponseSchema),
  api(35, 'DescribeLogDirs', DescribeLogDirsRequestSchema, DescribeLogDirsResponseSchema),
  api(36, 'SaslAuthenticate', SaslAuthenticateRequestSchema, SaslAuthenticateResponseSchema),
  api(37, 'CreatePartitions', CreatePartitionsRequestSchema, CreatePartitionsResponseSchema),
  api(42, 'DeleteGroups', DeleteGroupsRequestSchema, DeleteGroupsResponseSchema),
  api(50, 'DescribeUserScramCredentials', DescribeUserScramCredentialsRequestSchema, DescribeUserScramCredentialsResponseSchema),
  api(51, 'AlterUserScramCredentials', AlterUserScramCredentialsRequestSchema, AlterUserScramCredentialsResponseSchema),
  api(61, 'DescribeProducers', DescribeProducersRequestSchema, DescribeProducersResponseSchema),
  api(65, 'DescribeTransactions', DescribeTransactionsRequestSchema, DescribeTransactionsResponseSchema),
  api(66, 'ListTransactions', ListTransactionsRequestSchema, ListTransactionsResponseSchema),
];

/** API key → definition, for every implemented API. */
export const API_REGISTRY: ReadonlyMap<number, ApiDefinition> = new Map(DEFINITIONS.map((d) => [d.apiKey, d]));

export function apiDefinition(apiKey: number): ApiDefinition | undefined {
  return API_REGISTRY.get(apiKey);
}

/** True when `version` of `apiKey` uses the flexible encoding. */
export function isFlexibleVersion(apiKey: number, version: number): boolean {
  const d = API_REGISTRY.get(apiKey);
  return d !== undefined && d.firstFlexibleVersion !== null && version >= d.firstFlexibleVersion;
}

export interface ApiTypes {
  0: { request: ProduceRequest; response: ProduceResponse };
  1: { request: FetchRequest; response: FetchResponse };
  2: { request: ListOffsetsRequest; response: ListOffsetsResponse };
  3: { request: MetadataRequest; response: MetadataResponse };
  8: { request: OffsetCommitRequest; response: OffsetCommitResponse };
  9: { request: OffsetFetchRequest; response: OffsetFetchResponse };
  10: { request: FindCoordinatorRequest; response: FindCoordinatorResponse };
  11: { request: JoinGroupRequest; response: JoinGroupResponse };
  12: { request: HeartbeatRequest; response: HeartbeatResponse };
  13: { request: LeaveGroupRequest; response: LeaveGroupResponse };
  14: { request: SyncGroupRequest; response: SyncGroupResponse };
  15: { request: DescribeGroupsRequest; response: DescribeGroupsResponse };
  16: { request: ListGroupsRequest; response: ListGroupsResponse };
  17: { request: SaslHandshakeRequest; response: SaslHandshakeResponse };
  18: { request: ApiVersionsRequest; response: ApiVersionsResponse };
  19: { request: CreateTopicsRequest; response: CreateTopicsResponse };
  20: { request: DeleteTopicsRequest; response: DeleteTopicsResponse };
  21: { request: DeleteRecordsRequest; response: DeleteRecordsResponse };
  22: { request: InitProducerIdRequest; response: InitProducerIdResponse };
  24: { request: AddPartitionsToTxnRequest; response: AddPartitionsToTxnResponse };
  25: { request: AddOffsetsToTxnRequest; response: AddOffsetsToTxnResponse };
  26: { request: EndTxnRequest; response: EndTxnResponse };
  28: { request: TxnOffsetCommitRequest; response: TxnOffsetCommitResponse };
  29: { request: DescribeAclsRequest; response: DescribeAclsResponse };
  30: { request: CreateAclsRequest; response: CreateAclsResponse };
  31: { request: DeleteAclsRequest; response: DeleteAclsResponse };
  32: { request: DescribeConfigsRequest; response: DescribeConfigsResponse };
  35: { request: DescribeLogDirsRequest; response: DescribeLogDirsResponse };
  36: { request: SaslAuthenticateRequest; response: SaslAuthenticateResponse };
  37: { request: CreatePartitionsRequest; response: CreatePartitionsResponse };
  42: { request: DeleteGroupsRequest; response: DeleteGroupsResponse };
  50: { request: DescribeUserScramCredentialsRequest; response: DescribeUserScramCredentialsResponse };
  51: { request: AlterUserScramCredentialsRequest; response: AlterUserScramCredentialsResponse };
  61: { request: DescribeProducersRequest; response: DescribeProducersResponse };
  65: { request: DescribeTransactionsRequest; response: DescribeTransactionsResponse };
  66: { request: ListTransactionsRequest; response: ListTransactionsResponse };
}

export type ImplementedApiKey = keyof ApiTypes;

export * from './00-produce.ts';
export * from './01-fetch.ts';
export * from './02-list-offsets.ts';
export * from './03-metadata.ts';
export * from './08-offset-commit.ts';
export * from './09-offset-fetch.ts';
export * from './10-find-coordinator.ts';
export * from './11-join-group.ts';
export * from './12-heartbeat.ts';
export * from './13-leave-group.ts';
export * from './14-sync-group.ts';
export * from './15-describe-groups.ts';
export * from './16-list-groups.ts';
export * from './17-sasl-handshake.ts';
export * from './18-api-versions.ts';
export * from './19-create-topics.ts';
export * from './20-delete-topics.ts';
export * from './21-delete-records.ts';
export * from './22-init-producer-id.ts';
export * from './24-add-partitions-to-txn.ts';
export * from './25-add-offsets-to-txn.ts';
export * from './26-end-txn.ts';
export * from './28-txn-offset-commit.ts';
export * from './29-describe-acls.ts';
export * from './30-create-acls.ts';
export * from './31-delete-acls.ts';
export * from './32-describe-configs.ts';
export * from './35-describe-log-dirs.ts';
export * from './36-sasl-authenticate.ts';
export * from './37-create-partitions.ts';
export * from './42-delete-groups.ts';
export * from './50-describe-user-scram-credentials.ts';
export * from './51-alter-user-scram-credentials.ts';
export * from './61-describe-producers.ts';
export * from './65-describe-transactions.ts';
export * from './66-list-transactions.ts';
export * from './consumer-protocol.ts';
