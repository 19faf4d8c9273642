/*
 * DescribeUserScramCredentials (key 50), served and advertised 0 (flexible). Mechanisms and
 * iteration counts of the broker's SCRAM users (security/scram-users.ts has the rules); salts
 * and keys never leave the broker. Who may call it is the authorizer's business (Kafka requires
 * DESCRIBE on the cluster).
 */
import {
  DescribeUserScramCredentialsRequestSchema,
  DescribeUserScramCredentialsResponseSchema,
} from '../../protocol/messages/50-describe-user-scram-credentials.ts';
import type {
  DescribeUserScramCredentialsRequest,
  DescribeUserScramCredentialsResponse,
} from '../../protocol/messages/50-describe-user-scram-credentials.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { describeScramUsers } from '../security/scram-users.ts';
import { defineHandler } from './handler.ts';

export const describeUserScramCredentialsHandler = defineHandler<DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse>({
  apiKey: 50,
  name: 'DescribeUserScramCredentials',
  requestSchema: DescribeUserScramCredentialsRequestSchema,
  responseSchema: DescribeUserScramCredentialsResponseSchema,
  advertised: { min: 0, max: 0 },
  served: { min: 0, max: 0 },
  handle(ctx, req) {
    const names = req.users === null ? null : req.users.map((u) => u.name);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      results: describeScramUsers(ctx.broker.credentials, names),
    };
  },
});
