import { useLocation } from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";

/**
 * A menu behind a button, built on <details>: without JavaScript it opens and closes by itself and
 * its links are plain links. With JavaScript it also closes on Escape (focus back on its button), on a
 * click elsewhere and after a navigation, since the layout around it stays on the page.
 */
export function DisclosureMenu({
  label,
  current = false,
  className,
  children,
}: {
  label: ReactNode;
  /** The page shown is one of the menu's: its button looks like the current tab. */
  current?: boolean;
  className?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  const location = useLocation();

  useEffect(() => {
    if (ref.current) ref.current.open = false;
  }, [location.key]);

  useEffect(() => {
    const details = ref.current;
    if (!details) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || !details.open) return;
      details.open = false;
      details.querySelector("summary")?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      if (details.open && event.target instanceof Node && !details.contains(event.target)) details.open = false;
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, []);

  return (
    <details ref={ref} className={["menu", current ? "is-current" : "", className ?? ""].filter(Boolean).join(" ")}>
      <summary>
        {label}
        {current ? <span className="visually-hidden"> (the page shown is in this menu)</span> : null}
      </summary>
      <div className="menu-panel">{children}</div>
    </details>
  );
}
