import { Field } from "@facet/shared/account";
import { useState } from "react";

import { isMonth } from "./months";

/** A labelled <input type="month"> that reports only whole months: while a person is still
 * typing one (the value is "" meanwhile), the draft stays here and the URL is left alone. */
export function MonthInput(props: {
  label: string;
  value: string;
  onChange: (month: string) => void;
  max?: string;
  invalid?: boolean;
  describedBy?: string;
}) {
  const [draft, setDraft] = useState(props.value);
  const [shown, setShown] = useState(props.value);
  if (props.value !== shown) {
    // The URL changed (back/forward, another input): show it.
    setShown(props.value);
    setDraft(props.value);
  }
  return (
    <Field label={props.label} className="field month-field">
      <input
        type="month"
        value={draft}
        max={props.max}
        required
        aria-invalid={props.invalid || undefined}
        aria-describedby={props.describedBy}
        onChange={(event) => {
          setDraft(event.target.value);
          if (isMonth(event.target.value)) props.onChange(event.target.value);
        }}
      />
    </Field>
  );
}
