import { useEffect, useRef } from "react";
import { SelectField } from "~/components/choices";
import type { ListOfErrors } from "~/components/forms";

/**
 * The time zone select of a circle. The server renders its default (a fixed zone: it cannot know
 * the browser's); once the page runs JavaScript, the browser's own zone is preselected unless
 * the form came back with a value.
 */
export function TimeZoneSelect({
  options,
  defaultValue,
  guessFromBrowser,
  errors,
}: {
  options: ReadonlyArray<{ value: string; label: string }>;
  defaultValue: string;
  guessFromBrowser: boolean;
  errors?: ListOfErrors;
}) {
  const ref = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    if (!guessFromBrowser || !ref.current) return;
    const guess = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (guess && options.some((option) => option.value === guess)) ref.current.value = guess;
  }, [guessFromBrowser, options]);

  return (
    <SelectField
      label="Time zone"
      hint="Dates and times in the circle are shown in this time zone, for everyone."
      errors={errors}
      options={options}
      selectProps={{ ref, name: "timeZone", defaultValue, required: true }}
    />
  );
}
