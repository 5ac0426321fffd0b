import type { Role } from '../config.js';

export type { Role } from '../config.js';

export const ROLES: readonly Role[] = ['clinician', 'admin', 'auditor'];

export const isRole = (x: unknown): x is Role => ROLES.includes(x as Role);

/** The roles a person gets from their IdP groups through the configured mapping (sorted). */
export function rolesForGroups(
  groups: readonly string[],
  mapping: ReadonlyMap<string, readonly Role[]>,
): Role[] {
  const out = new Set<Role>();
  for (const g of groups) for (const r of mapping.get(g) ?? []) out.add(r);
  return ROLES.filter((r) => out.has(r));
}
