export const roles = ["viewer", "operator", "admin"] as const;
export type Role = (typeof roles)[number];

export type UserActor = { type: "user"; id: string; email: string; name: string; role: Role };
/** Named system actors, e.g. `worker:prober`, `supervisor:seed`. */
export type SystemActor = { type: "system"; name: string };
export type AnonymousActor = { type: "anonymous" };
export type Actor = UserActor | SystemActor | AnonymousActor;

const rank: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** Whether a signed-in user's role (null: signed out) is at least `min`. */
export const roleAtLeast = (role: Role | null | undefined, min: Role): boolean => (role ? rank[role] >= rank[min] : false);

/** System actors act with admin rights: they run only code we wrote. */
export function actorHasRole(actor: Actor, role: Role): boolean {
  if (actor.type === "system") return true;
  if (actor.type === "anonymous") return false;
  return rank[actor.role] >= rank[role];
}

export function actorLabel(actor: Actor): string {
  switch (actor.type) {
    case "user":
      return actor.email;
    case "system":
      return actor.name;
    case "anonymous":
      return "anonymous";
  }
}

export const systemActor = (name: string): SystemActor => ({ type: "system", name });
