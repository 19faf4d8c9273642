/**
 * `tributary/testing`: run topologies without a broker (TopologyTestDriver, synchronous, as if
 * every record commits) and start a throwaway bundled broker for integration tests.
 */
export { TopologyTestDriver, type TopologyTestDriverConfig, type DriverMetrics } from './topology-test-driver.ts';
export { MockProcessorContext, type MockProcessorContextConfig, type CapturedForward, type CapturedPunctuator } from './mock-processor-context.ts';
export { TestInputTopic } from './test-input-topic.ts';
export { TestOutputTopic } from './test-output-topic.ts';
export type { TestRecord } from './test-record.ts';
export { startTestBroker, type TestBroker, type TestBrokerOptions } from './broker-harness.ts';
