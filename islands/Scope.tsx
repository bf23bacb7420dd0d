import { useEffect, useMemo, useRef } from "preact/hooks";
import type { ScopeProps } from "../lib/shared/types.ts";
import { ControlPanel } from "./ControlPanel.tsx";
import type { ScopeActions } from "./export.ts";
import { HelpDialog } from "./HelpDialog.tsx";
import { Legend } from "./Legend.tsx";
import { Measurements } from "./Measurements.tsx";
import { ScopeModel } from "./model.ts";
import type { Mapper } from "./Overlay.tsx";
import { QuickBar } from "./QuickBar.tsx";
import { startScope } from "./runtime.ts";
import { AcqBadge, Connection, DrawerButton, Notice } from "./ScopeBar.tsx";
import { Screen } from "./Screen.tsx";
import { StatusLine } from "./StatusLine.tsx";

/**
 * The oscilloscope: the screen (Y-T chart, or the XY / FFT plot) with its overlay, the channel
 * legend, measurements, the front panel and the status line. Renders on the server from `props`
 * (so the first paint already shows the channels); the chart, the socket and the timers exist
 * only in the browser, created in an effect that undoes them on unmount.
 */
export function Scope(props: ScopeProps) {
  const model = useMemo(() => new ScopeModel(props.channels), []);
  const chartRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const mapper = useRef<Mapper | null>(null);
  // the runtime's actions once the effect has started it
  const actions = useRef<ScopeActions>({
    csvWindow: () => {},
    png: () => {},
    shareUrl: () => location.href,
    clear: () => {},
  });

  useEffect(() => {
    const runtime = startScope({
      model,
      props,
      chartEl: chartRef.current!,
      plotEl: plotRef.current!,
      wrapEl: wrapRef.current!,
      mapper,
    });
    actions.current = runtime.actions;
    return runtime.dispose;
  }, []);

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
            mapper={mapper}
            curl={curl}
          />
          <Measurements model={model} />
        </div>
        <ControlPanel
          model={model}
          canClear={!props.tokenRequired}
          onClear={() => model.confirmClear(() => actions.current.clear())}
          actions={{
            csvWindow: () => actions.current.csvWindow(),
            png: () => actions.current.png(),
            shareUrl: () => actions.current.shareUrl(),
          }}
        />
      </div>
      <StatusLine model={model} />
      <Notice model={model} />
      <HelpDialog model={model} />
    </section>
  );
}
