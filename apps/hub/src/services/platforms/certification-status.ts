/**
 * The port promotion asks whether a platform is certified (issue 18): certification runs
 * (services/certification) provide the real answer; until they are wired in, `noCertifications`
 * answers "never certified", and an operator promotes with `{"force": true}` (audited as forced).
 */
export interface CertificationStatus {
  /** When the platform's latest run passed every required clause; null if none has. */
  certifiedAt(platId: string): Promise<Date | null>;
}

/** No certification runs in this build: no platform is certified. */
export const noCertifications: CertificationStatus = { certifiedAt: async () => null };
