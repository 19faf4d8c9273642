/*
 * The authorizer: the single source of truth for the broker's ACLs while it runs, and the one
 * place that answers "may this caller do this?" (rules in acl-match.ts).
 *
 * Index (invariant: every stored binding is in exactly one slot, and `all` holds each once):
 *   per resource type → LITERAL bindings by resource name (`*` under its own key) and the list of
 *   PREFIXED bindings. authorize() therefore reads the literal slot of the name, the `*` slot and
 *   the prefixed list of the type, never the ACLs of other types or names.
 *
 * Changes (create, delete) are applied in memory synchronously, so a request handled right after
 * sees them, then written to `<dataDir>/acls.json` (acl-file.ts); writes are chained so the file
 * always ends with the newest state, and the caller's answer waits for its write.
 */
import { authorizeAnyOfType, decide, filterMatches, type AuthzPolicy, type Caller } from './acl-match.ts';
import { bindingKey, PatternType, WILDCARD_RESOURCE, type AclBinding, type AclFilter, type AclOperation, type ResourceType } from '../../protocol/acl-types.ts';

interface TypeIndex {
  readonly literal: Map<string, AclBinding[]>;
  readonly prefixed: AclBinding[];
}

export interface AuthorizerSettings extends AuthzPolicy {
  /** Writes the full ACL set durably (acl-file.ts in the broker; a spy in tests). */
  readonly persist: (acls: readonly AclBinding[]) => Promise<void>;
}

export class Authorizer {
  private readonly all = new Map<string, AclBinding>();
  private readonly byType = new Map<number, TypeIndex>();
  private writeChain: Promise<void> = Promise.resolve();

  constructor(
    private readonly settings: AuthorizerSettings,
    initial: Iterable<AclBinding> = [],
  ) {
    for (const b of initial) this.insert(b);
  }

  get size(): number {
    return this.all.size;
  }

  /** Every stored ACL, in creation order. */
  list(): AclBinding[] {
    return [...this.all.values()];
  }

  isSuperUser(principal: string): boolean {
    return this.settings.superUsers.has(principal);
  }

  /** May `caller` perform `op` on resource `type`/`name`? */
  authorize(caller: Caller, op: AclOperation, type: ResourceType, name: string): boolean {
    if (this.settings.superUsers.has(caller.principal)) return true;
    const idx = this.byType.get(type);
    if (idx === undefined) return this.settings.allowEveryoneIfNoAclFound;
    const applicable: AclBinding[] = [];
    const exact = idx.literal.get(name);
    if (exact !== undefined) applicable.push(...exact);
    if (name !== WILDCARD_RESOURCE) {
      const wild = idx.literal.get(WILDCARD_RESOURCE);
      if (wild !== undefined) applicable.push(...wild);
    }
    for (const b of idx.prefixed) if (name.startsWith(b.resourceName)) applicable.push(b);
    return decide(applicable, caller, op, this.settings.allowEveryoneIfNoAclFound);
  }

  /** May `caller` perform `op` on at least one resource of `type`? (KIP-679, see acl-match.ts) */
  authorizeAnyOfType(caller: Caller, op: AclOperation, type: ResourceType): boolean {
    const idx = this.byType.get(type);
    const ofType = idx === undefined ? [] : [...[...idx.literal.values()].flat(), ...idx.prefixed];
    return authorizeAnyOfType(ofType, caller, op, () => this.authorize(caller, op, type, 'hardcode'));
  }

  /** The stored ACLs a filter matches. */
  describe(filter: AclFilter): AclBinding[] {
    return this.list().filter((b) => filterMatches(filter, b));
  }

  /** Adds ACLs (an ACL already stored is kept once); resolves once the change is durable. */
  create(bindings: readonly AclBinding[]): Promise<void> {
    let changed = false;
    for (const b of bindings) changed = this.insert(Object.freeze({ ...b })) || changed;
    return changed ? this.persist() : this.writeChain;
  }

  /**
   * Removes every ACL matched by each filter; returns, per filter, what it removed (an ACL matched
   * by two filters is reported by both, as Kafka does). Resolves once the change is durable.
   */
  async delete(filters: readonly AclFilter[]): Promise<AclBinding[][]> {
    const current = this.list();
    const results = filters.map((f) => current.filter((b) => filterMatches(f, b)));
    let changed = false;
    for (const removed of results) for (const b of removed) changed = this.remove(b) || changed;
    if (changed) await this.persist();
    return results;
  }

  private persist(): Promise<void> {
    const next = this.writeChain.then(() => this.settings.persist(this.list()));
    this.writeChain = next.catch(() => undefined);
    return next;
  }

  private slot(b: AclBinding): AclBinding[] {
    let idx = this.byType.get(b.resourceType);
    if (idx === undefined) this.byType.set(b.resourceType, (idx = { literal: new Map(), prefixed: [] }));
    if (b.patternType === PatternType.PREFIXED) return idx.prefixed;
    let list = idx.literal.get(b.resourceName);
    if (list === undefined) idx.literal.set(b.resourceName, (list = []));
    return list;
  }

  private insert(b: AclBinding): boolean {
    const key = bindingKey(b);
    if (this.all.has(key)) return false;
    this.all.set(key, b);
    this.slot(b).push(b);
    return true;
  }

  private remove(b: AclBinding): boolean {
    const key = bindingKey(b);
    const stored = this.all.get(key);
    if (stored === undefined) return false;
    this.all.delete(key);
    const slot = this.slot(stored);
    slot.splice(slot.indexOf(stored), 1);
    const idx = this.byType.get(stored.resourceType) as TypeIndex;
    if (stored.patternType === PatternType.LITERAL && slot.length === 0) idx.literal.delete(stored.resourceName);
    if (idx.literal.size === 0 && idx.prefixed.length === 0) this.byType.delete(stored.resourceType);
    return true;
  }
}
