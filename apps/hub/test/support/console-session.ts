/** An operator signed in to the console over plain HTTP (no browser), for the console's page tests. */
export interface ConsoleSession {
  cookie: string;
  csrf: string;
  /** A console page's HTML. */
  page(path: string): Promise<string>;
  /** A form POST with the session's CSRF token, redirects not followed. */
  post(
    path: string,
    fields: Record<string, string>,
  ): Promise<{ status: number; location: string | null; html: string }>;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** Signs in with `token` (the admin token or an operator key) and reads the session's CSRF token. */
export async function consoleSession(hubUrl: string, token: string): Promise<ConsoleSession> {
  const login = await fetch(`${hubUrl}/console/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: hubUrl },
    body: form({ token }),
  });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const page = async (path: string) => (await fetch(`${hubUrl}${path}`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page("/console/platforms/new"))?.[1] ?? "";
  return {
    cookie,
    csrf,
    page,
    async post(path, fields) {
      const res = await fetch(`${hubUrl}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: hubUrl, cookie },
        body: form({ ...fields, _csrf: csrf }),
      });
      return { status: res.status, location: res.headers.get("location"), html: await res.text() };
    },
  };
}
