import { Layout, when } from "../layout.tsx";

/** Shown once, right after registration or rotation: the hub never shows a secret again. */
export function SecretOnce(props: {
  platId: string;
  appId?: string;
  appSecret: string;
  webhookSecret: string;
  /** After a rotation: until when the previous secrets keep working (null: they stopped now). */
  previousValidUntil?: string | null;
  /** A vendor's ingestUrl (new after a rotation): where its cloud sends reports without headers. */
  ingestUrl?: string | null;
  csrf: string;
  title: string;
  /** A line above the secrets (a promotion: certified or forced). */
  note?: string;
}) {
  return (
    <Layout title={props.title} section="platforms" csrf={props.csrf}>
      {props.note && <p id="secret-note">{props.note}</p>}
      <div class="secret">
        <p>
          <strong>Copy both secrets now.</strong> They are shown only this once; give them to the platform's
          engineers over a safe channel. The platform signs its requests to the hub with the appSecret and
          verifies what the hub sends it (status reports, verify calls) with the webhookSecret.
        </p>
        <table class="kv">
          <tr>
            <th>PlatID</th>
            <td class="mono">{props.platId}</td>
          </tr>
          {props.appId && (
            <tr>
              <th>AppID</th>
              <td class="mono" id="app-id">
                {props.appId}
              </td>
            </tr>
          )}
          <tr>
            <th>appSecret</th>
            <td>
              <code id="app-secret">{props.appSecret}</code>
            </td>
          </tr>
          <tr>
            <th>webhookSecret</th>
            <td>
              <code id="webhook-secret">{props.webhookSecret}</code>
            </td>
          </tr>
          {props.ingestUrl && (
            <tr>
              <th>ingestUrl</th>
              <td>
                <code id="ingest-url">{props.ingestUrl}</code>
              </td>
            </tr>
          )}
          {props.previousValidUntil !== undefined && (
            <tr>
              <th>Previous secrets</th>
              <td id="previous-valid-until">
                {props.previousValidUntil === null
                  ? "stopped working now"
                  : `keep working until ${when(props.previousValidUntil)} (the appSecret on the standard API only)`}
              </td>
            </tr>
          )}
        </table>
      </div>
      <p>
        <a class="button secondary" href={`/console/platforms/${encodeURIComponent(props.platId)}`}>
          Continue to the platform
        </a>
      </p>
    </Layout>
  );
}
