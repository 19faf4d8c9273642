/*
 * Named: a user-chosen name for the processor an operator creates, instead of the generated
 * "KSTREAM-FILTER-0000000001". Names must be non-empty, at most 249 characters, and use only
 * [a-zA-Z0-9._-] — the characters Kafka allows in topic names, since some names become topics.
 */
const LEGAL = /^[a-zA-Z0-9._-]+$/;

export function validateName(name: string): string {
  if (name.length === 0) throw new Error('Name is illegal, it can\'t be empty');
  if (name.length > 249) throw new Error(`Name is illegal, it can't be longer than 249 characters, name: ${name}`);
  if (!LEGAL.test(name)) {
    throw new Error(`Name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`);
  }
  return name;
}

export class Named {
  private constructor(readonly name: string | undefined) {}

  static as(name: string): Named {
    return new Named(validateName(name));
  }

  /** No name: the operator generates one. */
  static empty(): Named {
    return new Named(undefined);
  }

  withName(name: string): Named {
    return Named.as(name);
  }
}

/** Anything an operator accepts as a name: a Named, a plain string, or nothing. */
export type NameLike = Named | string | undefined;

export function nameOf(named: NameLike): string | undefined {
  if (named === undefined) return undefined;
  return typeof named === 'string' ? validateName(named) : named.name;
}
