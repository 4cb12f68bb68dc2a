import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Pem {
  cert: string;
  key: string;
  /** SHA-256 fingerprint as Node prints it (AA:BB:…). */
  fingerprint: string;
}

export interface TestPki {
  ca: Pem;
  server: Pem;
  client(name: string, signedBy?: "ca" | "self"): Pem;
  dispose(): void;
}

/** A throwaway CA, a server certificate for 127.0.0.1 and client certificates, made with openssl. */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "yunlian-pki-"));
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const read = (name: string): Pem => {
    const cert = readFileSync(join(dir, `${name}.crt`), "utf8");
    return {
      cert,
      key: readFileSync(join(dir, `${name}.key`), "utf8"),
      fingerprint: new X509Certificate(cert).fingerprint256,
    };
  };
  const newKey = (name: string) =>
    ssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", `${name}.key`);
  const issue = (name: string, subject: string, ext: string, signedBy: "ca" | "self") => {
    newKey(name);
    writeFileSync(join(dir, `${name}.ext`), ext);
    if (signedBy === "self") {
      ssl(
        "req",
        "-x509",
        "-new",
        "-key",
        `${name}.key`,
        "-subj",
        subject,
        "-days",
        "2",
        "-out",
        `${name}.crt`,
      );
      return read(name);
    }
    ssl("req", "-new", "-key", `${name}.key`, "-subj", subject, "-out", `${name}.csr`);
    ssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
      "-out",
      `${name}.crt`,
    );
    return read(name);
  };
  newKey("ca");
  ssl(
    "req",
    "-x509",
    "-new",
    "-key",
    "ca.key",
    "-subj",
    "/CN=Yunlian Test CA",
    "-days",
    "2",
    "-out",
    "ca.crt",
  );
  const ca = read("ca");
  const server = issue(
    "server",
    "/CN=127.0.0.1",
    "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    "ca",
  );
  return {
    ca,
    server,
    client: (name, signedBy = "ca") => issue(name, `/CN=${name}`, "extendedKeyUsage=clientAuth\n", signedBy),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
