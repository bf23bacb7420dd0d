export type Labels = Record<string, string>;

interface Family {
  help: string;
  type: "counter" | "gauge";
  series: Map<string, { labels: Labels; value: number }>;
  collect?: () => [Labels, number][];
}

/** The label set as Prometheus writes it, e.g. `{route="/data",status="200"}`. */
function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) =>
    `${k}="${
      v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")
    }"`
  );
  return parts.length ? `{${parts.join(",")}}` : "";
}

/**
 * Counters and gauges in the Prometheus text format. Counters are bumped on the hot path (one
 * map lookup); gauges are read from their source only when scraped.
 */
export class Metrics {
  readonly #families = new Map<string, Family>();

  /** Declares a counter; returns the function that adds to one of its label sets. */
  counter(name: string, help: string): (labels?: Labels, by?: number) => void {
    const family: Family = { help, type: "counter", series: new Map() };
    this.#families.set(name, family);
    return (labels = {}, by = 1) => {
      const key = labelText(labels);
      const s = family.series.get(key);
      if (s) s.value += by;
      else family.series.set(key, { labels, value: by });
    };
  }

  /** Declares a counter kept elsewhere (a caller's own map), read at scrape time. */
  counterFrom(
    name: string,
    help: string,
    collect: () => [Labels, number][],
  ): void {
    this.#families.set(name, {
      help,
      type: "counter",
      series: new Map(),
      collect,
    });
  }

  /** Declares a gauge whose values `collect` reports at scrape time. */
  gauge(name: string, help: string, collect: () => [Labels, number][]): void {
    this.#families.set(name, {
      help,
      type: "gauge",
      series: new Map(),
      collect,
    });
  }

  /** The current value of a counter's label set (0 when never bumped), for tests and logs. */
  value(name: string, labels: Labels = {}): number {
    return this.#families.get(name)?.series.get(labelText(labels))?.value ?? 0;
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, f] of this.#families) {
      lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      const rows = f.collect
        ? f.collect()
        : [...f.series.values()].map((s) =>
          [s.labels, s.value] as [Labels, number]
        );
      for (const [labels, value] of rows) {
        lines.push(`${name}${labelText(labels)} ${value}`);
      }
    }
    return lines.join("\n") + "\n";
  }
}
