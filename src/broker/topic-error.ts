/*
 * A refused topic operation (create, delete, add partitions): the Kafka error code the request
 * is answered with and a message for the client. Handlers turn it into their per-topic result;
 * anything else thrown is a broker fault.
 */
export class TopicError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'TopicError';
  }
}
