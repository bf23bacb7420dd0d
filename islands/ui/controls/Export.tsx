import { useSignal } from "@preact/signals";
import { Section } from "./widgets.tsx";

export interface ExportActions {
  /** CSV of the points on screen, built in the page */
  csvWindow: () => void;
  /** PNG of the screen */
  png: () => void;
  /** the link that restores this view */
  shareUrl: () => string;
}

/** Files and links: CSV of the screen or of the whole buffer, PNG, and a link to this view. */
export function Export(props: { actions: ExportActions }) {
  const { actions } = props;
  const link = useSignal<string | null>(null);
  const copied = useSignal(false);
  return (
    <Section title="Save & share" id="sec-export">
      <div class="btn-row">
        <button
          type="button"
          id="csv-window"
          class="btn"
          title="The points on screen, as channel,x,y"
          onClick={actions.csvWindow}
        >
          CSV (screen)
        </button>
        <a
          class="btn"
          id="csv-buffer"
          href="/data?format=csv"
          download="oscilloscope-buffer.csv"
          title="Every point the server holds, as channel,seq,x,y"
        >
          CSV (buffer)
        </a>
      </div>
      <div class="btn-row">
        <button
          type="button"
          id="png"
          class="btn"
          title="A picture of the screen"
          onClick={actions.png}
        >
          PNG
        </button>
        <button
          type="button"
          id="share"
          class="btn"
          title="A link that opens this view: channels, timebase, trigger, zoom"
          onClick={() => {
            const url = actions.shareUrl();
            link.value = url;
            copied.value = false;
            // the clipboard API exists only on https and localhost pages
            navigator.clipboard?.writeText(url).then(
              () => (copied.value = true),
              () => {},
            );
          }}
        >
          Share link
        </button>
      </div>
      {link.value !== null && (
        <div class="field">
          <label class="field-label" for="share-url">
            {copied.value ? "Link copied" : "Link to this view"}
          </label>
          <input
            id="share-url"
            type="url"
            readOnly
            value={link.value}
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
      )}
    </Section>
  );
}
