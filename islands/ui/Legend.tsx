import { formatY } from "../../lib/shared/grid.ts";
import { formatRate } from "../../lib/scope/si.ts";
import { formatPerDiv } from "../../lib/scope/timebase.ts";
import type { ScopeModel } from "../state/model.ts";

/**
 * The channels: colour, name, newest value and rate; clicking a chip shows or hides the trace.
 * New channels appear here as soon as a publisher starts one.
 */
export function Legend(props: { model: ScopeModel }) {
  const { model } = props;
  const v = model.view.value;
  return (
    <ul class="legend" aria-label="Channels">
      {model.channels.value.map((c, i) => {
        const visible = !v.hidden.includes(c.name);
        const fixed = v.vertical[c.name];
        return (
          <li
            class={visible ? "chip" : "chip is-hidden"}
            key={c.name}
            data-channel={c.name}
          >
            <button
              type="button"
              class="chip-toggle"
              aria-pressed={visible}
              aria-label={`Channel ${c.name}: ${visible ? "shown" : "hidden"}`}
              title={`Show / hide ${c.name}${i < 8 ? ` (${i + 1})` : ""}`}
              onClick={() => model.toggleChannel(c.name)}
            >
              <span
                class="swatch"
                style={{ background: c.color }}
                aria-hidden="true"
              />
              <span class="chip-name">{c.name}</span>
            </button>
            <span class="chip-value" data-value>
              {c.lastY === null ? "–" : formatY(c.lastY)}
            </span>
            <span class="chip-meta">
              {fixed ? `${formatPerDiv(fixed.voltsPerDiv)} · ` : ""}
              {c.rate >= 0.05 ? formatRate(c.rate) : `${c.count} pts`}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
