import { Layout } from "../layout.tsx";

export function LoginPage(props: { error?: string }) {
  return (
    <Layout title="Sign in" flash={props.error ? { kind: "error", text: props.error } : undefined}>
      <div class="panel login">
        <form method="post" action="/console/login" class="stack">
          <label>
            Admin token
            <span class="hint">HUB_ADMIN_TOKEN, or the token the hub generated into its data folder.</span>
            <input type="password" name="token" autocomplete="current-password" required autofocus />
          </label>
          <button type="submit">Sign in</button>
        </form>
      </div>
    </Layout>
  );
}
