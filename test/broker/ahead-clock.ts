/*
 * Test helper: a broker clock (BrokerDeps.clock) that reads wall time plus an offset the test
 * moves forward, so expirations happen without waiting for them. Timers stay real.
 */
import { BrokerClock } from '../../src/broker/clock.ts';

export class AheadClock extends BrokerClock {
  ahead = 0;

  override now(): number {
    return Date.now() + this.ahead;
  }
}
