// The consent vocabulary in plain words, shared by pages, emails and server code. The database
// (supabase/migrations) is the authority on what these values mean; this file only names them.

export const CATEGORIES = ["practical", "general", "milestones", "wellbeing", "health"] as const;
export type Category = (typeof CATEGORIES)[number];

export const ROLES = ["owner", "coordinator", "supporter"] as const;
export type Role = (typeof ROLES)[number];
export const MEMBER_ROLES = ["coordinator", "supporter"] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export const RELATIONSHIPS = ["family", "friend", "professional", "peer", "community", "other"] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

type CategoryWords = {
  label: string;
  /** Read by the person choosing what to share ("how I'm doing"). */
  forOwner: string;
  /** Read by a member or an invitee ("how they are doing"). */
  forMember: string;
  /** Completes "Maria shared … with you". */
  noun: string;
};

export const CATEGORY_WORDS: Record<Category, CategoryWords> = {
  practical: {
    label: "Practical",
    forOwner: "help needed: meals, rides, errands",
    forMember: "help needed: meals, rides, errands",
    noun: "practical help requests",
  },
  general: {
    label: "General",
    forOwner: "everyday news and plans",
    forMember: "everyday news and plans",
    noun: "general news",
  },
  milestones: {
    label: "Milestones",
    forOwner: "progress and good news",
    forMember: "progress and good news",
    noun: "milestones and good news",
  },
  wellbeing: {
    label: "Wellbeing",
    forOwner: "how I'm doing: mood and check-ins",
    forMember: "how they are doing: mood and check-ins",
    noun: "wellbeing updates",
  },
  health: {
    label: "Health",
    forOwner: "my appointments, treatment and medication",
    forMember: "their appointments, treatment and medication",
    noun: "health information",
  },
};

/** The grants an invitation carries unless the person chooses otherwise (SPEC.md). */
export const DEFAULT_CATEGORIES: Record<MemberRole, Category[]> = {
  supporter: ["practical", "general", "milestones"],
  coordinator: ["practical", "general", "milestones", "wellbeing"],
};

export const ROLE_WORDS: Record<Role, { label: string; article: string; forMember: string }> = {
  owner: {
    label: "Owner",
    article: "the owner",
    forMember: "The person whose circle this is, who decides what each person sees.",
  },
  coordinator: {
    label: "Coordinator",
    article: "a coordinator",
    forMember: "Coordinators help run the circle: they create and edit tasks and may draft updates for approval.",
  },
  supporter: {
    label: "Supporter",
    article: "a supporter",
    forMember: "Supporters see what is shared with them, claim tasks and send encouragement.",
  },
};

export const RELATIONSHIP_LABELS: Record<Relationship, string> = {
  family: "Family",
  friend: "Friend",
  professional: "Professional (therapist, doctor, social worker)",
  peer: "Peer (someone from a group)",
  community: "Community (faith group, neighbour, colleague)",
  other: "Other",
};

/** Short form for lists: "Professional" rather than the explained option text. */
export function relationshipShort(relationship: string | null | undefined): string {
  if (!relationship) return "";
  const label = RELATIONSHIP_LABELS[relationship as Relationship] ?? relationship;
  return label.replace(/\s*\(.*\)$/, "");
}

export function isCategory(value: unknown): value is Category {
  return typeof value === "string" && (CATEGORIES as readonly string[]).includes(value);
}

/** Categories in the canonical order, unknown values dropped. */
export function sortCategories(values: readonly unknown[]): Category[] {
  return CATEGORIES.filter((category) => values.includes(category));
}

/** "Practical, General and Milestones"; "nothing yet" for none. */
export function categoryList(categories: readonly Category[]): string {
  const labels = sortCategories(categories).map((c) => CATEGORY_WORDS[c].label);
  if (labels.length === 0) return "nothing yet";
  if (labels.length === 1) return labels[0];
  return `${labels.slice(0, -1).join(", ")} and ${labels[labels.length - 1]}`;
}
