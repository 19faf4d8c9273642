/*
 * The `interactiveQueries` section of the streams config (validated with the rest of it, so an
 * error names the field, e.g. "interactiveQueries.listen.port"). query-server.ts says what each
 * field does; `applicationServer` stays Kafka's application.server: the address the OTHER
 * instances are told and forward to.
 */
import { z } from 'zod';

export const interactiveQueriesSchema = z
  .object({
    listen: z
      .object({
        host: z.string().min(1, 'must be a host name or address to bind, e.g. "127.0.0.1"').default('127.0.0.1'),
        port: z.number().int().min(0).max(65535, 'must be a port in 0..65535 (0: an ephemeral port)').default(0),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 0 }),
    bearerToken: z.string().min(16, 'must be at least 16 characters').optional(),
    forwardTimeoutMs: z.number().int().min(1).max(600_000).default(5000),
  })
  .strict();

export type InteractiveQueriesConfigInput = z.input<typeof interactiveQueriesSchema>;
export type InteractiveQueriesConfig = z.output<typeof interactiveQueriesSchema>;

