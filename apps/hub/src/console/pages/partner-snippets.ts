import { readFileSync } from "node:fs";

/**
 * How a partner verifies a delivery, in its language: the very snippets of docs/partners.md §3
 * (partners.snippets.test.ts runs those and checks these files are the same text), read once.
 */
const read = (name: string) => readFileSync(new URL(`../snippets/${name}`, import.meta.url), "utf8");

export const verifySnippets: readonly { language: string; note: string; code: string }[] = [
  {
    language: "Node.js",
    note: "npm install standardwebhooks; the library also checks the timestamp.",
    code: read("verify-node.txt"),
  },
  {
    language: "Python",
    note: "Standard library only (with the standardwebhooks package: Webhook(secret).verify(body, headers)).",
    code: read("verify-python.txt"),
  },
  {
    language: "Java",
    note: "JDK only, java Verify.java (with the library: new Webhook(secret).verify(body, headers)).",
    code: read("verify-java.txt"),
  },
  {
    language: "Go",
    note: "github.com/standard-webhooks/standard-webhooks/libraries/go, inside your HTTP handler.",
    code: read("verify-go.txt"),
  },
];
