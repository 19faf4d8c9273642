/*
 * Topology optimization — Kafka Streams' `topology.optimization` config as
 * `StreamsBuilder.build(props)` applies it (StreamsConfig.verifyTopologyOptimizationConfigs and
 * InternalStreamsBuilder.buildAndOptimizeTopology in apache/kafka): the plan is rewritten while it
 * is written into the Topology, so describe() and the running application both show the result.
 *
 * Values (Kafka's strings): 'none' (default), 'all', or a list of rules — an array or Kafka's
 * comma-separated string. 'none' and 'all' stand alone; 'all' applies every rule.
 *   reuse.ktable.source.topics  a source KTable's store uses its source topic as its changelog
 *                               (graph/source-nodes.ts TableSourceNode; no "-changelog" topic)
 *   merge.repartition.topics    the repartitions after one key change share one topic
 *                               (graph/repartition-merge.ts)
 *   single.store.self.join      KIP-862 (Kafka 3.4+): a stream–stream join whose node has one
 *                               parent runs through one window store (kstream-kstream-self-join.ts)
 *
 * Build phases (Kafka's order): 1 merge duplicate stream sources (always, graph/source-merge.ts);
 * 2 reuse.ktable.source.topics; 3 merge.repartition.topics; 4 single.store.self.join (decided per
 * join node when it is written: MultiPartJoinNode.isSelfJoin). Every rewrite is undone after
 * the build (graph-node.ts LogicalPlan.writeTo), so one builder can be built with several configs.
 */
import { z } from 'zod';
import type { LogicalPlan, TopologyBuildOptions } from '../graph/graph-node.ts';
import { mergeRepartitionTopics } from '../graph/repartition-merge.ts';
import { mergeDuplicateSourceNodes } from '../graph/source-merge.ts';

export const TopologyOptimization = {
  NO_OPTIMIZATION: 'none',
  OPTIMIZE: 'all',
  SINGLE_STORE_SELF_JOIN: 'single.store.self.join',
  REUSE_KTABLE_SOURCE_TOPICS: 'reuse.ktable.source.topics',
  MERGE_REPARTITION_TOPICS: 'merge.repartition.topics',
} as const;

/** The rules, in Kafka's order of application. */
const RULES: readonly string[] = [
  TopologyOptimization.REUSE_KTABLE_SOURCE_TOPICS,
  TopologyOptimization.MERGE_REPARTITION_TOPICS,
  TopologyOptimization.SINGLE_STORE_SELF_JOIN,
];
const KNOWN = ['none', 'all', ...RULES];

/** What `StreamsBuilder.build(config)` accepts (Kafka's build(Properties), this one key). */
export interface BuildConfig {
  /** Kafka's `topology.optimization`: 'none' (default), 'all', or rule names. */
  readonly topologyOptimization?: string | readonly string[];
}

const ruleList = z
  .union([z.string().transform((s) => s.split(',').map((x) => x.trim())), z.array(z.string())])
  .superRefine((rules, ctx) => {
    for (const r of rules) {
      if (!KNOWN.includes(r)) ctx.addIssue({ code: 'custom', message: `unknown optimization "${r}"; expected "none", "all" or a list of ${RULES.map((x) => `"${x}"`).join(', ')}` });
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
  const optimizations = new Set<string>(rules.includes('all') ? RULES : rules.filter((r) => r !== 'none'));
  return { optimizations };
}

/** Build phases 1–3 (file comment): rewrites `plan` for one build; LogicalPlan.writeTo undoes it. */
export function rewritePlan(plan: LogicalPlan, build: TopologyBuildOptions): void {
  mergeDuplicateSourceNodes(plan.root);
  if (build.optimizations.has(TopologyOptimization.MERGE_REPARTITION_TOPICS)) mergeRepartitionTopics(plan);
}
