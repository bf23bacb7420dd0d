import type { ComponentChildren } from "preact";

/** A labelled group of radio buttons drawn as one segmented switch (arrow keys move within). */
export function Segmented<T extends string>(props: {
  legend: string;
  name: string;
  value: T;
  options: readonly { value: T; label: ComponentChildren; title?: string }[];
  onChange: (value: T) => void;
  hideLegend?: boolean;
}) {
  return (
    <fieldset class="seg">
      <legend class={props.hideLegend ? "sr-only" : "field-label"}>
        {props.legend}
      </legend>
      <div class="seg-row">
        {props.options.map((o) => (
          <label key={o.value} title={o.title}>
            <input
              type="radio"
              name={props.name}
              value={o.value}
              checked={props.value === o.value}
              onChange={() => props.onChange(o.value)}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** − value + : a knob turned one 1-2-5 step at a time. */
export function Stepper(props: {
  label: string;
  value: string;
  onStep: (dir: 1 | -1) => void;
  downLabel: string;
  upLabel: string;
  id?: string;
}) {
  return (
    <div class="stepper" role="group" aria-label={props.label}>
      <button
        type="button"
        class="btn btn-icon"
        aria-label={props.downLabel}
        title={props.downLabel}
        onClick={() => props.onStep(-1)}
      >
        −
      </button>
      <output class="stepper-value" id={props.id} aria-live="polite">
        {props.value}
      </output>
      <button
        type="button"
        class="btn btn-icon"
        aria-label={props.upLabel}
        title={props.upLabel}
        onClick={() => props.onStep(1)}
      >
        +
      </button>
    </div>
  );
}

/**
 * An on/off button: pressed state for assistive tech, a lit LED for the eye. Every key with an
 * LED is one of these (run/stop, single, trigger, cursors); `accent: false` leaves the border
 * to the key's own class.
 */
export function Toggle(props: {
  /** on or off; undefined for a key whose name says its state (Run/Stop) */
  pressed?: boolean;
  onClick: () => void;
  children: ComponentChildren;
  label?: string;
  title?: string;
  class?: string;
  id?: string;
  accent?: boolean;
}) {
  return (
    <button
      type="button"
      id={props.id}
      class={`btn ${props.accent === false ? "" : "btn-toggle "}${
        props.class ?? ""
      }`}
      aria-pressed={props.pressed}
      aria-label={props.label}
      title={props.title}
      onClick={props.onClick}
    >
      <span class="led" aria-hidden="true" />
      {props.children}
    </button>
  );
}

/** A titled block of the control panel. */
export function Section(
  props: { title: string; id: string; children: ComponentChildren },
) {
  return (
    <section class="panel-section" aria-labelledby={props.id}>
      <h2 class="panel-title" id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/**
 * A number field that commits on Enter or blur (not on every keystroke, which would re-trigger
 * mid-typing), and reverts text it cannot read.
 */
export function NumberField(props: {
  label: string;
  value: number;
  onCommit: (v: number) => void;
  step?: number | "any";
  min?: number;
  unit?: string;
  id: string;
}) {
  return (
    <div class="field">
      <label class="field-label" for={props.id}>{props.label}</label>
      <div class="field-input">
        <input
          id={props.id}
          type="number"
          inputMode="decimal"
          step={props.step ?? "any"}
          min={props.min}
          value={String(props.value)}
          onChange={(e) => {
            const el = e.currentTarget;
            const v = Number(el.value);
            if (el.value.trim() !== "" && Number.isFinite(v)) props.onCommit(v);
            else el.value = String(props.value);
          }}
        />
        {props.unit && <span class="field-unit">{props.unit}</span>}
      </div>
    </div>
  );
}
