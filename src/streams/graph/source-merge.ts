/*
 * Duplicate source merging — Kafka Streams' InternalStreamsBuilder.mergeDuplicateSourceNodes and
 * StreamSourceNode.merge. Not an optimization rule: every build does it, before the rules run.
 *
 * Two `builder.stream()` calls on the same topics (or the same RegExp) become one source node:
 * the first one added survives, and the children of each later one move under it (in the
 * order they were added, after the survivor's own). The survivor keeps its name, serdes and
 * timestamp extractor; the later call's Consumed is not used for reading (Kafka's behaviour:
 * its serdes still describe the stream the call returned, for downstream operators), and its
 * node name was generated all the same (describe() shows the survivor alone).
 *
 * Refused, as Kafka refuses (its TopologyException):
 *  - two stream sources whose topic lists overlap but are not equal ({a} and {a, b}): one topic
 *    would need two entry points. Lists are compared as sets of names ({a, b} = {b, a}).
 * Kafka also refuses two sources of one topic whose Consumed objects set different offset reset
 * policies; Tributary's Consumed has no offset reset policy (a new application always starts
 * from the earliest offset), so there is nothing to compare.
 *
 * Patterns are the same subscription when their source and flags are equal (Kafka compares the
 * pattern string and flags). A table, a global table and a Processor API source are not stream
 * sources: a topic read by one of those and by a stream is still an error (Topology.addSource).
 */
import { TopologyError } from '../topology/topology.ts';
import type { GraphNode } from './graph-node.ts';
import { StreamSourceNode } from './source-nodes.ts';

/** Merges the root's duplicate stream sources (see the file comment). Call only inside a build. */
export function mergeDuplicateSourceNodes(root: GraphNode): void {
  const byTopic = new Map<string, StreamSourceNode>();
  const byPattern = new Map<string, StreamSourceNode>();
  for (const node of [...root.children]) {
    if (!(node instanceof StreamSourceNode)) continue;
    const topics = node.topics;
    if (topics instanceof RegExp) {
      const key = `${topics.flags}/${topics.source}`;
      const main = byPattern.get(key);
      if (main === undefined) byPattern.set(key, node);
      else mergeInto(root, main, node);
      continue;
    }
    for (const topic of topics) {
      const main = byTopic.get(topic);
      if (main === undefined) {
        byTopic.set(topic, node);
        continue;
      }
      if (main === node) continue;
      if (!sameTopics(main.topics as readonly string[], topics)) {
        throw new TopologyError(
          `Two source nodes are subscribed to overlapping but not equal input topics: "${main.nodeName}" reads [${[...(main.topics as readonly string[])].join(', ')}] ` +
            `and "${node.nodeName}" reads [${topics.join(', ')}]; topic "${topic}" can have one source only. Read the same topic list in both builder.stream() calls, or read once and merge/branch.`,
        );
      }
      mergeInto(root, main, node);
    }
  }
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((t) => sb.has(t));
}

/** StreamSourceNode.merge: `other`'s children move under `main`; `other` leaves the plan. */
function mergeInto(root: GraphNode, main: StreamSourceNode, other: StreamSourceNode): void {
  if (other.replacedBy !== undefined) return;
  for (const child of [...other.children]) {
    other.removeChild(child);
    main.addChild(child);
  }
  root.removeChild(other);
  other.replacedBy = main;
}
