/**
 * docs/partners.md's code snippets are run, not just read (issue 18): each signing snippet must
 * produce the test vector of docs/design.md §7, and each verifying snippet must accept a delivery
 * signed by the hub's own delivery code and refuse it once its body is changed. Node always runs;
 * Python and Java where the machine has them (this CI machine has both). Go is not installed here.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { webhookHeaders } from "@yunlian/delivery";
import { afterAll, describe, expect, it } from "vitest";

const hubDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const doc = readFileSync(join(hubDir, "..", "..", "docs", "partners.md"), "utf8");

/** The fenced blocks whose info string is `<language> partners:<role>`. */
function snippets(role: "sign" | "verify" | "verifylib"): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of doc.matchAll(/```(\w+) partners:(\w+)\n([\s\S]*?)```/g)) {
    if (m[2] === role && m[1] && m[3]) found.set(m[1], m[3]);
  }
  return found;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string>, cwd: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout: stdout.trim(), stderr });
      },
    );
  });
}

function has(command: string): boolean {
  try {
    // biome-ignore lint/style/noNonNullAssertion: PATH is set on every machine that runs the suite
    return process.env.PATH!.split(":").some((dir) => {
      try {
        readFileSync(join(dir, command));
        return true;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

const scratch = mkdtempSync(join(tmpdir(), "yunlian-snippets-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs one snippet of a language with these environment variables. */
async function runSnippet(language: string, code: string, env: Record<string, string>): Promise<Ran> {
  if (language === "js") {
    // Evaluated as a module from apps/hub, where `standardwebhooks` (the hub's own dependency) resolves.
    return run(process.execPath, ["--input-type=module", "-e", code], env, hubDir);
  }
  if (language === "python") {
    const file = join(scratch, "snippet.py");
    writeFileSync(file, code);
    return run("python3", [file], env, scratch);
  }
  if (language === "java") {
    const name = /public class (\w+)/.exec(code)?.[1] ?? "Snippet";
    const file = join(scratch, `${name}.java`);
    writeFileSync(file, code);
    return run("java", [file], env, scratch);
  }
  throw new Error(`no runner for ${language}`);
}

const RUNTIMES: Record<string, string> = { js: "node", python: "python3", java: "java" };

const VECTOR = {
  SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  ID: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  TIMESTAMP: "1614265330",
  METHOD: "POST",
  REQUEST_PATH: "/v1/devices/op",
  BODY: '{"PlatID":"APP-P","UserID":"U1","Device":[]}',
};

describe("docs/partners.md: signing a request", () => {
  const found = snippets("sign");
  it("has a runnable snippet for Node, Python and Java", () => {
    expect([...found.keys()].sort()).toEqual(["java", "js", "python"]);
  });
  for (const [language, code] of found) {
    it.skipIf(!has(RUNTIMES[language] ?? language))(
      `${language}: gives the test vector's signature`,
      async () => {
        const ran = await runSnippet(language, code, VECTOR);
        expect(ran.stderr).toBe("");
        expect(ran.stdout).toBe("v1,wS8nLP09rwln45UTii/DfQ3DhlkSDaVsFReUpqKt0cM=");
      },
      60_000,
    );
  }
});

describe("docs/partners.md: verifying a delivery", () => {
  const found = snippets("verify");
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const body =
    '{"DeviceID":"000006010200200C89346112DD5","DataType":"attr","DeviceStatus":{"onOffStatus":"True"}}';
  // Signed by the hub's delivery code, during a rotation grace: two signatures, the partner's second.
  const headers = webhookHeaders("msg_2b7QkR1cYv8aJ6pTnW3xZ", new Date(), body, [
    "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    secret,
  ]);
  const env = (b: string) => ({
    SECRET: secret,
    WEBHOOK_ID: headers["webhook-id"] ?? "",
    WEBHOOK_TIMESTAMP: headers["webhook-timestamp"] ?? "",
    WEBHOOK_SIGNATURE: headers["webhook-signature"] ?? "",
    BODY: b,
  });
  it("has a runnable snippet for Node, Python and Java", () => {
    expect([...found.keys()].sort()).toEqual(["java", "js", "python"]);
  });
  for (const [language, code] of found) {
    it.skipIf(!has(RUNTIMES[language] ?? language))(
      `${language}: accepts the hub's delivery, refuses a changed body`,
      async () => {
        const good = await runSnippet(language, code, env(body));
        expect(good.stderr).toBe("");
        expect(good.stdout).toBe("verified");
        const forged = await runSnippet(language, code, env(body.replace("True", "False")));
        expect(forged.code).not.toBe(0);
        expect(forged.stdout).not.toContain("verified");
      },
      60_000,
    );
  }
});

describe("docs/partners.md: the console's partner view shows the same snippets", () => {
  // The console reads src/console/snippets/*.txt (no docs/ in the images); these are the doc's text.
  const consoleSnippet = (name: string) =>
    readFileSync(join(hubDir, "src", "console", "snippets", name), "utf8");
  it("Node, Python, Java and Go, character for character", () => {
    const verify = snippets("verify");
    expect(consoleSnippet("verify-node.txt")).toBe(verify.get("js"));
    expect(consoleSnippet("verify-python.txt")).toBe(verify.get("python"));
    expect(consoleSnippet("verify-java.txt")).toBe(verify.get("java"));
    expect(consoleSnippet("verify-go.txt")).toBe(snippets("verifylib").get("go"));
  });
});
