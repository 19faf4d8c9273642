/*
 * Topology optimization — Kafka Streams' `topology.optimization` config as
 * `StreamsBuilder.build(props)` applies it (StreamsConfig.verifyTopologyOptimizationConfigs and
 * InternalStreamsBuilder.optimizeTopology in apache/kafka): the plan is rewritten while it is
 * written into the Topology, so describe() and the running application both show the result.
 *
 * Values (Kafka's strings): 'none' (default), 'all', or a list of rules — an array or Kafka's
 * comma-separated string. 'none' and 'all' stand alone.
 *   single.store.self.join   KIP-862 (Kafka 3.4+): an inner stream–stream join of a stream with
 *                            itself runs through one window store (kstream-kstream-self-join.ts)
 *   reuse.ktable.source.topics, merge.repartition.topics   Kafka's other two rules, which
 *                            Tributary does not implement: naming one is an error, and 'all'
 *                            applies only the rules above (docs/not-implemented.md)
 */
import { z } from 'zod';
import type { TopologyBuildOptions } from '../graph/graph-node.ts';

export const TopologyOptimization = {
  NO_OPTIMIZATION: 'none',
  OPTIMIZE: 'all',
  SINGLE_STORE_SELF_JOIN: 'single.store.self.join',
  REUSE_KTABLE_SOURCE_TOPICS: 'reuse.ktable.source.topics',
  MERGE_REPARTITION_TOPICS: 'merge.repartition.topics',
} as const;

/** The rules Tributary applies. */
const IMPLEMENTED: readonly string[] = [TopologyOptimization.SINGLE_STORE_SELF_JOIN];
const NOT_IMPLEMENTED: readonly string[] = [TopologyOptimization.REUSE_KTABLE_SOURCE_TOPICS, TopologyOptimization.MERGE_REPARTITION_TOPICS];
const KNOWN = ['none', 'all', ...IMPLEMENTED, ...NOT_IMPLEMENTED];

/** What `StreamsBuilder.build(config)` accepts (Kafka's build(Properties), this one key). */
export interface BuildConfig {
  /** Kafka's `topology.optimization`: 'none' (default), 'all', or rule names. */
  readonly topologyOptimization?: string | readonly string[];
}

const ruleList = z
  .union([z.string().transform((s) => s.split(',').map((x) => x.trim())), z.array(z.string())])
  .superRefine((rules, ctx) => {
    for (const r of rules) {
      if (!KNOWN.includes(r)) ctx.addIssue({ code: 'custom', message: `unknown optimization "${r}"; expected "none", "all" or a list of ${[...IMPLEMENTED, ...NOT_IMPLEMENTED].map((x) => `"${x}"`).join(', ')}` });
      else if (NOT_IMPLEMENTED.includes(r)) ctx.addIssue({ code: 'custom', message: `"${r}" is a Kafka Streams optimization Tributary does not implement; leave it out (Tributary's "all" applies ${IMPLEMENTED.map((x) => `"${x}"`).join(', ')})` });
    }
    if (rules.length > 1 && (rules.includes('none') || rules.includes('all'))) ctx.addIssue({ code: 'custom', message: '"none" and "all" cannot be combined with other values' });
  });

const schema = z.object({ topologyOptimization: ruleList.optional() }).strict();

/** Validates the build config (errors name the field and the value) and returns what to apply. */
export function parseBuildConfig(config: BuildConfig | undefined): TopologyBuildOptions {
  const parsed = schema.safeParse(config ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(config)'}: ${i.message}`);
    throw new Error(`invalid build config (got ${JSON.stringify(config)}):\n  ${lines.join('\n  ')}`);
  }
  const rules = parsed.data.topologyOptimization ?? ['none'];
  const optimizations = new Set<string>(rules.includes('all') ? IMPLEMENTED : rules.filter((r) => r !== 'none'));
  return { optimizations };
}
