import { useEffect, useMemo, useRef } from "preact/hooks";
import type { ScopeProps } from "../lib/shared/types.ts";
import { ControlPanel } from "./ui/ControlPanel.tsx";
import { HelpDialog } from "./ui/HelpDialog.tsx";
import { Legend } from "./ui/Legend.tsx";
import { Measurements } from "./ui/Measurements.tsx";
import { Overview } from "./ui/Overview.tsx";
import { ScopeModel } from "./state/model.ts";
import { QuickBar } from "./ui/QuickBar.tsx";
import { startScope } from "./runtime/runtime.ts";
import { ScopePort } from "./state/scope_port.ts";
import { AcqBadge, Connection, DrawerButton, Notice } from "./ui/ScopeBar.tsx";
import { Screen } from "./ui/Screen.tsx";
import { StatusLine } from "./ui/StatusLine.tsx";

/**
 * The oscilloscope: the screen (Y-T chart, or the XY / FFT plot) with its overlay, the channel
 * legend, measurements, the front panel and the status line. Renders on the server from `props`
 * (so the first paint already shows the channels); the chart, the socket and the timers exist
 * only in the browser, created in an effect that undoes them on unmount.
 */
export function Scope(props: ScopeProps) {
  // the running scope reaches the state and the markup through the port, once it runs
  const model = useMemo(
    () =>
      new ScopeModel(
        props.channels,
        new ScopePort(),
        props.hidden,
        props.firstPicture,
      ),
    [],
  );
  const { actions } = model.port;
  const chartRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);

  useEffect(
    () =>
      startScope({
        model,
        props,
        chartEl: chartRef.current!,
        plotEl: plotRef.current!,
        wrapEl: wrapRef.current!,
      }),
    [],
  );

  const curl = `curl -X POST${
    props.tokenRequired ? ' -H "Authorization: Bearer $OSC_PUBLISH_TOKEN"' : ""
  } -d '{"x": 1, "y": 2}' ${props.publishUrl}`;
  return (
    <section class="scope" aria-label="Oscilloscope">
      <div class="scope-bar">
        <Connection model={model} />
        <AcqBadge model={model} />
        <Legend model={model} />
        <QuickBar model={model} />
        <div class="bar-buttons">
          <button
            type="button"
            class="btn btn-icon"
            id="help"
            aria-label="Keyboard shortcuts and help"
            title="Help (?)"
            onClick={() => (model.helpOpen.value = true)}
          >
            ?
          </button>
          <DrawerButton model={model} />
        </div>
      </div>
      <div class="scope-body">
        <div class="scope-main">
          <Screen
            model={model}
            chartRef={chartRef}
            plotRef={plotRef}
            wrapRef={wrapRef}
            curl={curl}
          />
          <Overview model={model} />
          <Measurements model={model} />
        </div>
        <ControlPanel
          model={model}
          canClear={!props.tokenRequired}
          onClear={() => model.confirmClear(actions.clear)}
          actions={actions}
        />
      </div>
      <StatusLine model={model} />
      <Notice model={model} />
      <HelpDialog model={model} />
    </section>
  );
}
