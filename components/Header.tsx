/** The top bar: product name, and the buffered data as files one click away. */
export function Header() {
  return (
    <header class="top">
      <a class="brand" href="/">
        <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
          <rect
            x="1"
            y="1"
            width="30"
            height="30"
            rx="6"
            fill="#0c1218"
            stroke="#2a3948"
          />
          <path
            d="M4 17h5l3-9 4 16 3-11 2 4h7"
            fill="none"
            stroke="#f7d038"
            stroke-width="2.2"
            stroke-linejoin="round"
            stroke-linecap="round"
          />
        </svg>
        <h1 class="brand-name">Web Oscilloscope</h1>
      </a>
      <span class="top-meta">publish with POST /data · watch here</span>
      <nav class="top-links" aria-label="Download the buffered data">
        <a href="/data?format=csv" download="oscilloscope.csv">CSV</a>
        <a href="/data" target="_blank">JSON</a>
      </nav>
    </header>
  );
}
