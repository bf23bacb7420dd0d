import type { ComponentChildren } from "preact";

/**
 * The HTML document around every page: dark, full height, the island's bundle as a module.
 * `css` is the stylesheet, inlined: a linked one is a second request whose arrival (with the
 * first layout after it) the bundle would wait for, where inlined the page lays out while the
 * bundle downloads.
 */
export function Layout(
  props: { title: string; css: string; children: ComponentChildren },
) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta
          name="viewport"
          content="width=device-width, initial-scale=1, viewport-fit=cover"
        />
        <meta name="color-scheme" content="dark" />
        <meta name="theme-color" content="#05080b" />
        <title>{props.title}</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <style dangerouslySetInnerHTML={{ __html: props.css }} />
        <script type="module" src="/static/scope.js" />
      </head>
      <body>{props.children}</body>
    </html>
  );
}
