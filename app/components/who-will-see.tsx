import { CATEGORY_WORDS, namesList, whoWillSee, type Category, type Viewer } from "~/consent";

// The line under the update and task forms: who will see this item, by the consent rule, for the
// choices as they stand (computed in the render, so it is right in the server's page and follows
// every change with JavaScript). Only the person knows everyone's grants; a coordinator is told the
// rule in words instead of names.

export type WhoCanSee = {
  /** The circle's active members other than the person, with their grants (null: not known to the reader). */
  people: Viewer[];
  personName: string;
  readerIsPerson: boolean;
};

export function willSeeSentence(who: WhoCanSee, category: Category, audience: readonly string[], opts: { paused?: boolean } = {}): string {
  const noun = CATEGORY_WORDS[category].noun;
  if (!who.readerIsPerson) {
    const chosen = who.people.filter((p) => audience.includes(p.id)).map((p) => p.name);
    return chosen.length
      ? `${who.personName} will see this, and of ${namesList(chosen)} whoever ${who.personName} shares ${noun} with.`
      : `${who.personName} will see this, and everyone ${who.personName} shares ${noun} with.`;
  }
  if (opts.paused) return "Updates are paused: only you will see this until you turn them back on.";
  const names = whoWillSee(who.people, category, audience).map((p) => p.name);
  return names.length ? `${namesList(names)} will see this, and you.` : "Only you will see this.";
}

export function WhoWillSee({ id, sentence }: { id: string; sentence: string }) {
  return (
    <p id={id} className="who-will-see" aria-live="polite">
      {sentence}
    </p>
  );
}
