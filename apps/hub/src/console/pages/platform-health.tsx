import { age, type PlatformHealth } from "../../services/reports/delivery-health.ts";
import { Badge, when } from "../layout.tsx";
import { percent } from "./delivery-charts.tsx";

const deliveriesOf = (platId: string, status: string) =>
  `/console/deliveries?platId=${encodeURIComponent(platId)}&status=${status}`;

/** The list's delivery-health cells of one platform (issue 18); dashes when it receives nothing. */
export function HealthCells(props: { platId: string; health: PlatformHealth | undefined; now: Date }) {
  const h = props.health;
  if (!h)
    return (
      <>
        <td class="num muted">—</td>
        <td class="num muted">—</td>
        <td class="muted">—</td>
        <td class="muted">—</td>
      </>
    );
  return (
    <>
      <td class="num" data-health="success-rate">
        {percent(h.successRate)}
      </td>
      <td class="num" data-health="failed-dead">
        <a href={deliveriesOf(props.platId, "failed")}>{h.failed}</a>
        {" / "}
        <a href={deliveriesOf(props.platId, "dead")}>{h.dead}</a>
      </td>
      <td data-health="breaker">
        <Badge value={h.breaker} />
      </td>
      <td class="muted" data-health="oldest-open">
        {h.oldestOpenAt ? age(h.oldestOpenAt, props.now) : "—"}
      </td>
    </>
  );
}

/** The detail page's delivery-health panel, with links to the platform's deliveries. */
export function HealthPanel(props: {
  platId: string;
  health: PlatformHealth | undefined;
  threshold: number;
  now: Date;
}) {
  const h = props.health;
  return (
    <div class="panel spaced" id="delivery-health">
      <h2>Delivery health</h2>
      {!h ? (
        <p class="empty">No delivery to this platform yet.</p>
      ) : (
        <table class="kv">
          <tr>
            <th>Success rate (24 h)</th>
            <td id="health-success-rate">
              {percent(h.successRate)} <span class="muted">{`of ${h.attempts24h} attempts`}</span>
            </td>
          </tr>
          <tr>
            <th>Waiting</th>
            <td id="health-open">
              <a href={deliveriesOf(props.platId, "pending")}>{`${h.pending} pending`}</a>
              {", "}
              <a href={deliveriesOf(props.platId, "failed")}>{`${h.failed} failed (retrying)`}</a>
            </td>
          </tr>
          <tr>
            <th>Dead</th>
            <td id="health-dead">
              <a href={deliveriesOf(props.platId, "dead")}>{`${h.dead} dead`}</a>
            </td>
          </tr>
          <tr>
            <th>Oldest waiting</th>
            <td id="health-oldest">
              {h.oldestOpenAt ? `${age(h.oldestOpenAt, props.now)} (since ${when(h.oldestOpenAt)})` : "—"}
            </td>
          </tr>
          <tr>
            <th>Breaker</th>
            <td id="health-breaker">
              <Badge value={h.breaker} />{" "}
              <span class="muted">
                {h.consecutiveFailures > 0
                  ? `${h.consecutiveFailures} failed attempts in a row (opens at ${props.threshold})`
                  : "latest attempt succeeded"}
              </span>
            </td>
          </tr>
        </table>
      )}
      <p>
        <a href={`/console/deliveries?platId=${encodeURIComponent(props.platId)}&status=failed`}>
          Its deliveries
        </a>
      </p>
    </div>
  );
}
