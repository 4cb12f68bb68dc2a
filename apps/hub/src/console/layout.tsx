import { raw } from "hono/html";
import type { Child } from "hono/jsx";

export type Section = "platforms" | "deliveries" | "devices" | "drift" | "grants" | "keys" | "audit";

const NAV: { id: Section; label: string; href: string }[] = [
  { id: "platforms", label: "Platforms", href: "/console/platforms" },
  { id: "deliveries", label: "Deliveries", href: "/console/deliveries" },
  { id: "devices", label: "Devices", href: "/console/devices" },
  { id: "drift", label: "Drift", href: "/console/drift" },
  { id: "grants", label: "Grants", href: "/console/grants" },
  { id: "keys", label: "Operator keys", href: "/console/operator-keys" },
  { id: "audit", label: "Audit log", href: "/console/audit" },
];

export interface Flash {
  kind: "ok" | "error";
  text: string;
}

/** The page frame: header with navigation and sign-out, an optional notice, the content. */
export function Layout(props: {
  title: string;
  section?: Section;
  csrf?: string;
  flash?: Flash;
  /** Where Sign out posts: the operator's session by default, the partner view's its own. */
  logoutAction?: string;
  children?: Child;
}) {
  // Without a doctype the browser renders in quirks mode (tables stop inheriting the font size).
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.title} · Yunlian console`}</title>
          <link rel="stylesheet" href="/console/assets/console.css" />
        </head>
        <body>
          <header class="topbar">
            <a class="brand" href="/console">
              <span class="logo">Y</span> Yunlian <span class="muted">hub console</span>
            </a>
            {props.section !== undefined && (
              <nav>
                {NAV.map((n) => (
                  <a href={n.href} class={n.id === props.section ? "active" : ""}>
                    {n.label}
                  </a>
                ))}
                <a href="/docs">API reference</a>
              </nav>
            )}
            {props.csrf !== undefined && (
              <form method="post" action={props.logoutAction ?? "/console/logout"} class="logout">
                <input type="hidden" name="_csrf" value={props.csrf} />
                <button type="submit" class="link">
                  Sign out
                </button>
              </form>
            )}
          </header>
          <main>
            <h1>{props.title}</h1>
            {props.flash && (
              <p class={`flash ${props.flash.kind}`} role={props.flash.kind === "error" ? "alert" : "status"}>
                {props.flash.text}
              </p>
            )}
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

/** A coloured status word (delivery status, outcome, security mode). */
export function Badge(props: { value: string }) {
  return <span class={`badge badge-${props.value.replace(/[^a-z-]/gi, "")}`}>{props.value}</span>;
}

/** The hidden field every state-changing form carries. */
export function Csrf(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

export function when(date: Date | string | null | undefined): string {
  if (!date) return "—";
  const d = typeof date === "string" ? new Date(date) : date;
  return d
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}
