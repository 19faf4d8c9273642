/*
 * The merge.repartition.topics optimization — Kafka Streams' InternalStreamsBuilder
 * mergeRepartitionTopics (with maybeUpdateKeyChangingRepartitionNodeMap,
 * getKeyChangingParentNode and findParentNodeMatching). A key-changing operation (map, flatMap,
 * selectKey, groupBy's key selector) followed by several repartitioning operations — groupings,
 * joins, toTable; not KStream.repartition(), which the user asked for — writes one repartition
 * topic instead of one per operation, and every operation reads that one.
 *
 * Phases (each build, on the plan as the DSL wrote it, after duplicate sources were merged):
 *  1. Collect, in build order, each key-changing node's optimizable repartitions: those whose
 *     nearest key- or value-changing ancestor is that key changer (a mapValues in between keeps
 *     the repartition as it is, since its value serde may differ).
 *  2. Merge nodes: a KStream.merge below key changers whose repartitions all sit below the merge
 *     takes those repartitions over (the single topic goes below the merge).
 *  3. For each key changer with repartitions: one new repartition node, named after the first
 *     repartition's topic ("<topic>-filter", "<topic>-sink", "<topic>-source"; Kafka burns three
 *     name indexes here, Tributary does not, so a build leaves the name counter as it was), with
 *     the first key serde and the first value serde any of them was given. The key changer's
 *     child on the path to each old repartition moves under the new node; each old repartition
 *     is spliced out (its children hang under its parents) and replaced by its parent.
 * Co-partition groups need no update: joins compute theirs from the rewritten plan.
 */
import type { GraphNode, LogicalPlan } from './graph-node.ts';
import { RepartitionNode } from './repartition-nodes.ts';

/** Applies merge.repartition.topics to `plan` (see the file comment). Call only inside a build. */
export function mergeRepartitionTopics(plan: LogicalPlan): void {
  const ordered = [...plan.nodes()].sort((a, b) => a.buildPriority - b.buildPriority);
  // Phase 1.
  const byKeyChanger = new Map<GraphNode, Set<RepartitionNode>>();
  const mergeNodes: GraphNode[] = [];
  for (const node of ordered) {
    if (node.keyChanging) byKeyChanger.set(node, new Set());
    else if (node instanceof RepartitionNode && node.spec.optimizable === true) {
      const keyChanger = keyChangingParent(node);
      if (keyChanger !== undefined) byKeyChanger.get(keyChanger)?.add(node);
    } else if (node.mergeNode) mergeNodes.push(node);
  }
  // Phase 2.
  const takenOver = new Set<GraphNode>();
  const mergeEntries: Array<[GraphNode, Set<RepartitionNode>]> = [];
  for (const merge of mergeNodes) {
    const repartitions = new Set<RepartitionNode>();
    for (const [keyChanger, reps] of byKeyChanger) {
      const allBelowMerge = [...reps].every((r) => findParentNodeMatching(r, (n) => n.parents.includes(merge)) !== undefined);
      if (allBelowMerge && findParentNodeMatching(merge, (n) => n.parents.includes(keyChanger)) !== undefined) {
        for (const r of reps) repartitions.add(r);
        takenOver.add(keyChanger);
      }
    }
    mergeEntries.push([merge, repartitions]);
  }
  for (const [merge, reps] of mergeEntries) byKeyChanger.set(merge, reps);
  for (const keyChanger of takenOver) byKeyChanger.delete(keyChanger);
  // Phase 3.
  for (const [keyChanger, reps] of byKeyChanger) {
    if (reps.size > 0) replaceWithOne(keyChanger, [...reps]);
  }
}

function replaceWithOne(keyChanger: GraphNode, reps: readonly RepartitionNode[]): void {
  const first = reps[0]!.spec;
  const topic = first.topic;
  const merged = new RepartitionNode({
    topic,
    sinkName: `${topic}-sink`,
    sourceName: `${topic}-source`,
    filter: first.filter === undefined ? undefined : { name: `${topic}-filter`, supplier: first.filter.supplier },
    keySerde: reps.find((r) => r.spec.keySerde !== undefined)?.spec.keySerde,
    valueSerde: reps.find((r) => r.spec.valueSerde !== undefined)?.spec.valueSerde,
    numberOfPartitions: undefined,
    optimizable: true,
  });
  // Kafka gives it the key changer's priority; written right after it, before its old children.
  merged.buildPriority = keyChanger.buildPriority + 0.5;
  for (const rep of reps) {
    const child = findParentNodeMatching(rep, (n) => n.parents.includes(keyChanger));
    if (child === undefined) throw new Error(`merge.repartition.topics: repartition "${rep.spec.topic}" is not below key-changing node "${keyChanger.nodeName}" (a bug in the plan).`);
    merged.addChild(child);
    keyChanger.removeChild(child);
    const parents = [...rep.parents];
    for (const grandChild of [...rep.children]) for (const p of parents) p.addChild(grandChild);
    for (const p of parents) p.removeChild(rep);
    for (const grandChild of [...rep.children]) rep.removeChild(grandChild);
    rep.replacedBy = parents[0];
  }
  keyChanger.addChild(merged);
}

/** Kafka's getKeyChangingParentNode: the nearest key/value-changing ancestor, if it changes keys. */
function keyChangingParent(repartition: GraphNode): GraphNode | undefined {
  const changer = findParentNodeMatching(repartition, (n) => n.keyChanging || n.valueChanging);
  const keyChanger = findParentNodeMatching(repartition, (n) => n.keyChanging);
  return changer !== undefined && changer === keyChanger ? keyChanger : undefined;
}

/**
 * Kafka's findParentNodeMatching, kept exactly: `start` itself, else the first direct parent
 * that matches, else the result of searching from the LAST parent (an earlier parent's find is
 * overwritten — Kafka's behaviour, which decides ties below merges).
 */
export function findParentNodeMatching(start: GraphNode, matches: (n: GraphNode) => boolean): GraphNode | undefined {
  if (matches(start)) return start;
  let found: GraphNode | undefined;
  for (const parent of start.parents) {
    if (matches(parent)) return parent;
    found = findParentNodeMatching(parent, matches);
  }
  return found;
}
