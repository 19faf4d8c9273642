/*
 * Pattern (RegExp) sources in the runtime — Kafka Streams' `builder.stream(Pattern)`.
 *
 * The group consumer subscribes to ONE RegExp when any source of the application reads by
 * pattern; it re-reads the topic list every `metadataMaxAgeMs` (Kafka's metadata.max.age.ms) and
 * rejoins when the set of matching topics changes, so a topic created after start joins the
 * group's assignment at the next refresh. The assignor (assignor/task-topics.ts) adds each matched
 * topic to the sub-topology whose pattern it matches, and task s_p reads partition p of it.
 *
 * `ApplicationTopicPattern` is that one RegExp: a topic matches when it is one of the named
 * source topics (exactly) or when one of the sources' patterns matches it (RegExp.test, as the
 * TopologyTestDriver and the assignor match; anchor a pattern with ^…$ for a whole-name match).
 * The patterns keep their own flags, which one combined source string could not.
 * Internal topics (__consumer_offsets, …) are never matched: the consumer leaves them out.
 *
 * Invariant: a topic maps to at most one sub-topology — the first, in sub-topology order, whose
 * named topics or pattern match it (Kafka rejects overlapping sources when it sees them; a topic
 * created later that matches two patterns is read by the first).
 */
import type { SubtopologyInfo, Topology } from '../topology/topology.ts';

export class ApplicationTopicPattern extends RegExp {
  readonly #topics: ReadonlySet<string>;
  readonly #patterns: readonly RegExp[];

  constructor(topics: Iterable<string>, patterns: readonly RegExp[]) {
    super('(?:)');
    this.#topics = new Set(topics);
    // Topology.addSource already dropped the g/y flags, so test() keeps no state between calls.
    this.#patterns = patterns;
  }

  override test(topic: string): boolean {
    return this.#topics.has(topic) || this.#patterns.some((p) => p.test(topic));
  }

  override toString(): string {
    return [...[...this.#topics].sort(), ...this.#patterns.map(String)].join(' | ');
  }
}

/** The group subscription of an application whose sources use patterns; undefined when none does. */
export function applicationTopicPattern(topology: Topology, applicationId: string): ApplicationTopicPattern | undefined {
  const subs = topology.subtopologies();
  const patterns = subs.flatMap((s) => s.sourcePatterns);
  if (patterns.length === 0) return undefined;
  const topics = subs.flatMap((s) => s.sourceTopics.map((t) => topology.resolveTopic(t, applicationId)));
  return new ApplicationTopicPattern(topics, patterns);
}

/** The sub-topology whose pattern matches `topic` (first in sub-topology order), if any. */
export function patternSubtopology(subtopologies: readonly SubtopologyInfo[], topic: string): SubtopologyInfo | undefined {
  return subtopologies.find((s) => s.sourcePatterns.some((p) => p.test(topic)));
}
