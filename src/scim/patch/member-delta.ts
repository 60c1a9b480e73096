/**
 * Group membership changes produced by a PATCH, without ever loading the group's members.
 *
 * Members live in their own table (a group may have hundreds of thousands of rows), so PATCH on
 * `members` (RFC 7644 §3.5.2.1–3) is folded into a delta the store applies in O(k) for k touched
 * members. The operations of one request are folded in order, so the delta has the meaning of
 * applying them one after another: `add x` then `remove x` leaves x out of `add` and in `remove`
 * (x may have been a member before the request, and the sequence ends with it removed).
 *
 * How the domain applies a delta (domain/provisioning/create-group-provisioning.ts): when `replaceAll`
 * is true, the current members are read in pages and only the difference is written (members who stay
 * are not touched; `remove` is then always empty); otherwise `remove` is deleted and `add` inserted,
 * skipping members already present. `add` and `remove` never share a value.
 */

/** One member to insert, as the IdP named it. `$ref` is dropped: Roster derives it from `value`. */
export interface MemberRef {
  value: string;
  display?: string;
  type?: string;
}

export interface MemberDelta {
  /** Every current member goes first (`replace` on `members`, or `remove` on `members` without value). */
  replaceAll: boolean;
  /** Members to insert, in the order the request named them, without duplicates. */
  add: MemberRef[];
  /** Member values to delete, in request order, without duplicates. */
  remove: string[];
}

/** Folds member operations into a {@link MemberDelta}; each call is O(1), `build` is O(k). */
export interface MemberDeltaBuilder {
  addMember(member: MemberRef): void;
  removeMember(value: string): void;
  removeAllMembers(): void;
  replaceAllMembers(members: readonly MemberRef[]): void;
  build(): MemberDelta;
}

export function createMemberDeltaBuilder(): MemberDeltaBuilder {
  let replaceAll = false;
  // Maps and Sets keep insertion order, so the delta lists members in the order the IdP sent them.
  const adds = new Map<string, MemberRef>();
  const removes = new Set<string>();

  const removeAllMembers = () => {
    replaceAll = true;
    adds.clear();
    removes.clear();
  };

  return {
    addMember(member) {
      removes.delete(member.value);
      // A later mention of the same member wins for display/type but keeps its first position.
      adds.set(member.value, { ...member });
    },
    removeMember(value) {
      adds.delete(value);
      // After a replaceAll the member set is fully known: dropping it from `add` is the removal.
      if (!replaceAll) removes.add(value);
    },
    removeAllMembers,
    replaceAllMembers(members) {
      removeAllMembers();
      for (const member of members) adds.set(member.value, { ...member });
    },
    build() {
      return { replaceAll, add: [...adds.values()], remove: [...removes] };
    },
  };
}

/** True when applying the delta cannot change the membership table. */
export function isEmptyMemberDelta(delta: MemberDelta): boolean {
  return !delta.replaceAll && delta.add.length === 0 && delta.remove.length === 0;
}

export function emptyMemberDelta(): MemberDelta {
  return { replaceAll: false, add: [], remove: [] };
}
