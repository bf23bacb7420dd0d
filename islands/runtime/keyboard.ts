import type { ScopeModel } from "../state/model.ts";
import { shortcutFor } from "../state/shortcuts.ts";

/**
 * Sends key presses anywhere on the page to the shortcut table (shortcuts.ts), unless something
 * else already handled them. Returns the function that removes the listener.
 */
export function listenForShortcuts(model: ScopeModel): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented) return;
    const target = e.target as HTMLElement | null;
    const key = {
      key: e.key,
      shiftKey: e.shiftKey,
      ctrlKey: e.ctrlKey,
      metaKey: e.metaKey,
      altKey: e.altKey,
      targetTag: target?.tagName ?? "BODY",
      targetType: (target as HTMLInputElement | null)?.type,
    };
    const shortcut = shortcutFor(key);
    // the help dialog takes Esc itself; other keys wait until it is closed
    if (!shortcut || (model.helpOpen.value && e.key !== "?")) return;
    e.preventDefault();
    shortcut.run(model, key);
  };
  document.addEventListener("keydown", onKey);
  return () => document.removeEventListener("keydown", onKey);
}
