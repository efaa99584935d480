import { ROLES, type Permission, type Role } from "../domain/facts.js";

const rank = (role: string): number => ROLES.indexOf(role as Role) + 1; // unknown -> 0

/**
 * The effective role of a user: GitHub's built-in role name when it reports one; a custom role
 * is judged by the base permission GitHub reports for it (admin, write or read), never above it.
 * Not a collaborator (null) ranks below read.
 */
export function effectiveRole(permission: Permission | null): Role | null {
  if (!permission) return null;
  if (permission.roleName && rank(permission.roleName) > 0) return permission.roleName as Role;
  return rank(permission.permission) > 0 ? (permission.permission as Role) : null;
}

export function mayUse(permission: Permission | null, needed: Role): boolean {
  const role = effectiveRole(permission);
  return role !== null && rank(role) >= rank(needed);
}
