/*
 * A worker thread's logger: every line goes to the main thread, which writes it with the
 * instance's logger (a user's logger object cannot be copied into a worker). Structured fields
 * (task, thread ids) travel appended to the message as JSON.
 */
import { toLogger, type LogFields, type Logger } from '../../../logging/logger.ts';

export type ForwardedLevel = 'debug' | 'info' | 'warn' | 'error';

export function forwardingLogger(send: (level: ForwardedLevel, message: string) => void): Logger {
  const line = (level: ForwardedLevel) => (message: string, fields?: LogFields) => send(level, fields === undefined || Object.keys(fields).length === 0 ? message : `${message} ${JSON.stringify(fields)}`);
  return toLogger({ debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') });
}
