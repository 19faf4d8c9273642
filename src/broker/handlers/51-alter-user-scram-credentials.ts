/*
 * AlterUserScramCredentials (key 51), served and advertised 0 (flexible). Adds, replaces and
 * deletes SCRAM credentials (security/scram-users.ts has the per-user rules); the answer is sent
 * once the change is durable in the data directory. Connections already authenticated stay
 * authenticated after their user's credential changes (as in Kafka) until they re-authenticate.
 * Who may call it is the authorizer's business (Kafka requires ALTER on the cluster).
 */
import {
  AlterUserScramCredentialsRequestSchema,
  AlterUserScramCredentialsResponseSchema,
} from '../../protocol/messages/51-alter-user-scram-credentials.ts';
import type {
  AlterUserScramCredentialsRequest,
  AlterUserScramCredentialsResponse,
} from '../../protocol/messages/51-alter-user-scram-credentials.ts';
import { alterScramUsers } from '../security/scram-users.ts';
import { defineHandler } from './handler.ts';

export const alterUserScramCredentialsHandler = defineHandler<AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse>({
  apiKey: 51,
  name: 'AlterUserScramCredentials',
  requestSchema: AlterUserScramCredentialsRequestSchema,
  responseSchema: AlterUserScramCredentialsResponseSchema,
  advertised: { min: 0, max: 0 },
  served: { min: 0, max: 0 },
  async handle(ctx, req) {
    const results = await alterScramUsers(ctx.broker.credentials, req.deletions, req.upsertions);
    return { throttleTimeMs: 0, results };
  },
});
