/**
 * State machines of the workflows (registrations, admissions, authorizations…) as data: each
 * transition names its action, the states it leaves from, the state it enters and the roles that
 * may take it. Domain functions ask `next` for the new state; it refuses a forbidden transition
 * with INVALID_STATE and a role not allowed with FORBIDDEN. Business preconditions (notice
 * period over, caller owns the object…) stay in the domain function that calls it.
 */
import { permissionRolesOf, type TPermissionRole, type TSessionUser } from "../auth/session-user";
import { DomainError } from "../domain-error";

export interface TTransition<S extends string, A extends string> {
  action: A;
  from: readonly S[];
  to: S;
  /** Who may take it; "system" transitions (timers) list no roles and are taken with actor null. */
  roles: readonly TPermissionRole[];
}

/** The actor of a transition: a signed-in user, or null for the system (timers). */
export type TActor = Pick<TSessionUser, "role" | "isOrgAdmin"> | null;

export interface TStateMachine<S extends string, A extends string> {
  readonly name: string;
  readonly states: readonly S[];
  readonly actions: readonly A[];
  readonly transitions: readonly TTransition<S, A>[];
  /** The state after `action` from `current` by `actor`; throws INVALID_STATE or FORBIDDEN. */
  next(current: S, action: A, actor: TActor): S;
  /** The transition `action` from `current`, or undefined when it is not allowed from there. */
  transitionOf(current: S, action: A): TTransition<S, A> | undefined;
  /** The actions `actor` may take from `current` (for buttons in the UI). */
  allowedActions(current: S, actor: TActor): A[];
}

/**
 * Defines a machine. Throws at definition time when a transition names an unknown state or two
 * transitions share an (action, from) pair, so the table cannot be ambiguous.
 */
/** "a" or "an" before `noun` (by its first letter; good enough for our object names). */
const article = (noun: string) => (/^[aeiou]/i.test(noun) ? "an" : "a");

export function defineStateMachine<const S extends string, const A extends string>(
  name: string,
  states: readonly S[],
  transitions: readonly TTransition<S, A>[],
): TStateMachine<S, A> {
  const known = new Set<string>(states);
  const byKey = new Map<string, TTransition<S, A>>();
  for (const t of transitions) {
    for (const s of [...t.from, t.to]) {
      if (!known.has(s)) throw new Error(`${name}: transition ${t.action} names unknown state ${s}`);
    }
    for (const from of t.from) {
      const key = `${from}\u0000${t.action}`;
      if (byKey.has(key)) throw new Error(`${name}: two transitions for ${t.action} from ${from}`);
      byKey.set(key, t);
    }
  }
  const actions = [...new Set(transitions.map((t) => t.action))];
  const mayTake = (t: TTransition<S, A>, actor: TActor) =>
    actor === null ? t.roles.length === 0 : permissionRolesOf(actor).some((r) => t.roles.includes(r));

  const machine: TStateMachine<S, A> = {
    name,
    states,
    actions,
    transitions,
    transitionOf: (current, action) => byKey.get(`${current}\u0000${action}`),
    next(current, action, actor) {
      const t = machine.transitionOf(current, action);
      if (!t) {
        throw new DomainError(
          "INVALID_STATE",
          `cannot ${action.replaceAll("_", " ")} ${article(name)} ${name} that is ${current.replaceAll("_", " ")}`,
        );
      }
      if (!mayTake(t, actor)) {
        throw new DomainError(
          "FORBIDDEN",
          `your role may not ${action.replaceAll("_", " ")} ${article(name)} ${name}`,
        );
      }
      return t.to;
    },
    allowedActions(current, actor) {
      return actions.filter((a) => {
        const t = machine.transitionOf(current, a);
        return t !== undefined && mayTake(t, actor);
      });
    },
  };
  return machine;
}
