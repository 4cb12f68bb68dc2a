/** Opaque page cursor: the (createdAt, id) of the last row of the previous page. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString("base64url");
}

/** Returns undefined for anything that is not a cursor we issued (the route answers 400). */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(v) || v.length !== 2) return undefined;
    const [at, id] = v;
    if (typeof at !== "string" || typeof id !== "string") return undefined;
    const createdAt = new Date(at);
    return Number.isNaN(createdAt.getTime()) ? undefined : { createdAt, id };
  } catch {
    return undefined;
  }
}
