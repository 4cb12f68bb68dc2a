import { Csrf } from "../layout.tsx";

/** What the register/edit form holds, as text (so a refused form comes back as it was typed). */
export interface PlatformFormValues {
  platId: string;
  name: string;
  manufacturerCodes: string;
  adapter: string;
  adapterConfig: string;
  apiBaseUrl: string;
  verifyUrl: string;
  dataGatewayUrl: string;
  appId: string;
  securityMode: string;
  certFingerprints: string;
  httpStatus: string;
  /** "on" when the platform receives its ops' outcomes (events: ["opResult"]). */
  opResult: string;
  /** "on" to register it in the sandbox (register only: promotion ends it). */
  sandbox: string;
}

export const emptyPlatformForm: PlatformFormValues = {
  platId: "",
  name: "",
  manufacturerCodes: "",
  adapter: "standard",
  adapterConfig: "{}",
  apiBaseUrl: "",
  verifyUrl: "",
  dataGatewayUrl: "",
  appId: "",
  securityMode: "hmac",
  certFingerprints: "",
  httpStatus: "mirror",
  opResult: "",
  sandbox: "",
};

const list = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/**
 * The admin API body for the form. Register omits empty fields (defaults apply); edit sends
 * empty URLs as null, which clears them.
 */
export function platformBody(v: PlatformFormValues, mode: "register" | "edit"): Record<string, unknown> {
  const optional = (s: string) => (s === "" ? (mode === "edit" ? null : undefined) : s);
  let adapterConfig: unknown = {};
  try {
    adapterConfig = v.adapterConfig.trim() === "" ? {} : JSON.parse(v.adapterConfig);
  } catch {
    // Sent as text on purpose: the admin API answers with the field name, like any other error.
    adapterConfig = v.adapterConfig;
  }
  return {
    ...(mode === "register" ? { platId: v.platId } : {}),
    name: v.name,
    manufacturerCodes: list(v.manufacturerCodes),
    adapter: v.adapter || "standard",
    adapterConfig,
    apiBaseUrl: optional(v.apiBaseUrl),
    verifyUrl: optional(v.verifyUrl),
    dataGatewayUrl: optional(v.dataGatewayUrl),
    appId: optional(v.appId),
    security: { mode: v.securityMode, certFingerprints: list(v.certFingerprints) },
    httpStatus: v.httpStatus || "mirror",
    events: v.opResult === "on" ? ["opResult"] : [],
    ...(mode === "register" && v.sandbox === "on" ? { sandbox: true } : {}),
  };
}

function Text(props: {
  name: keyof PlatformFormValues;
  label: string;
  hint?: string;
  values: PlatformFormValues;
  required?: boolean;
}) {
  return (
    <label>
      {props.label}
      {props.hint && <span class="hint">{props.hint}</span>}
      <input type="text" name={props.name} value={props.values[props.name]} required={props.required} />
    </label>
  );
}

export function PlatformForm(props: {
  action: string;
  csrf: string;
  values: PlatformFormValues;
  adapters: string[];
  mode: "register" | "edit";
  /** Edit: failed and dead deliveries waiting, offered for replay when the dataGateway URL changes. */
  waiting?: number;
}) {
  const v = props.values;
  return (
    <form method="post" action={props.action} class="stack">
      <Csrf token={props.csrf} />
      {props.mode === "register" && (
        <Text
          name="platId"
          label="PlatID"
          hint="1–64 of A-Z a-z 0-9 _ -, e.g. PARTNER-HAIER-0000"
          values={v}
          required
        />
      )}
      {props.mode === "register" && (
        <label class="check">
          <input type="checkbox" name="sandbox" value="on" checked={v.sandbox === "on"} /> Register it in the
          sandbox{" "}
          <span class="hint">
            isolated from production, labelled deliveries, a lower rate limit; promoted once certified
          </span>
        </label>
      )}
      <Text name="name" label="Name" values={v} required />
      <Text
        name="manufacturerCodes"
        label="Manufacturer codes"
        hint="6-digit codes this vendor owns, separated by commas; empty for an app-only platform"
        values={v}
      />
      <label>
        Adapter
        <select name="adapter">
          {props.adapters.map((a) => (
            <option value={a} selected={a === v.adapter}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label>
        Adapter config <span class="hint">JSON, for native adapters</span>
        <textarea name="adapterConfig">{v.adapterConfig}</textarea>
      </label>
      <Text name="apiBaseUrl" label="API base URL" hint="Required with manufacturer codes" values={v} />
      <Text
        name="verifyUrl"
        label="Verify URL"
        hint="For platforms whose users log in through the hub"
        values={v}
      />
      <Text
        name="dataGatewayUrl"
        label="dataGateway URL"
        hint="Where the hub delivers status reports"
        values={v}
      />
      {props.mode === "edit" && (
        <label class="check">
          <input type="checkbox" name="replayWaiting" />
          {` When the dataGateway URL changes, replay its failed and dead deliveries to the new one (${props.waiting ?? 0} waiting)`}
        </label>
      )}
      <Text name="appId" label="AppID issued to the hub" hint="Optional" values={v} />
      <label>
        Security mode
        <select name="securityMode">
          {[
            ["hmac", "hmac: Standard Webhooks signatures (default)"],
            ["mtls", "mtls: client certificate fingerprints"],
            ["none", "none: the standard's plain mode (unsigned: PlatID + AppID only)"],
          ].map(([value, label]) => (
            <option value={value} selected={value === v.securityMode}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Certificate fingerprints <span class="hint">SHA-256, one per line (mtls)</span>
        <textarea name="certFingerprints">{v.certFingerprints}</textarea>
      </label>
      <label>
        HTTP status of /v1 answers
        <select name="httpStatus">
          {[
            ["mirror", "mirror: HTTP status = RetCode (default)"],
            [
              "always200",
              "always200: HTTP 200, RetCode in the body (a client built to the letter of the standard)",
            ],
          ].map(([value, label]) => (
            <option value={value} selected={value === v.httpStatus}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input type="checkbox" name="opResult" value="on" checked={v.opResult === "on"} /> Deliver the outcome
        of its devices/op commands to its dataGatewayUrl{" "}
        <span class="hint">events: ["opResult"], DataType "opResult" (docs/design.md §7)</span>
      </label>
      <div>
        <button type="submit">{props.mode === "register" ? "Register platform" : "Save changes"}</button>
      </div>
    </form>
  );
}
