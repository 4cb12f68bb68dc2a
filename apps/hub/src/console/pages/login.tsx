import { Layout } from "../layout.tsx";

export function LoginPage(props: { error?: string }) {
  return (
    <Layout title="Sign in" flash={props.error ? { kind: "error", text: props.error } : undefined}>
      <div class="panel login">
        <form method="post" action="/console/login" class="stack">
          <label>
            Admin token or operator key
            <span class="hint">
              HUB_ADMIN_TOKEN (or the token the hub generated into its data folder), or an operator key
              (yko_…; a read key opens a read-only console).
            </span>
            <input type="password" name="token" autocomplete="current-password" required autofocus />
          </label>
          <button type="submit">Sign in</button>
        </form>
        <p class="muted">
          A partner platform? Your own view: <a href="/console/partner/login">partner sign-in</a> with your
          PlatID and appSecret.
        </p>
      </div>
    </Layout>
  );
}
