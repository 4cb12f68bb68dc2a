/**
 * The port promotion asks whether a platform is certified (issue 18). The hub wires it to the
 * certification runs (services/certification/run-store.ts `certifiedAt`); without a passed run an
 * operator can still promote with `{"force": true}` (audited as forced).
 */
export interface CertificationStatus {
  /** When the platform's latest run passed every required clause; null if none has. */
  certifiedAt(platId: string): Promise<Date | null>;
}
