/** A response read to its end, with the JSON body parsed when there is one. */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // Test bodies are read with toMatchObject and property paths: any keeps those assertions short.
  // biome-ignore lint/suspicious/noExplicitAny: see above
  readonly json: any;
}

export async function call(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Reply> {
  const { json, ...rest } = init;
  const res = await fetch(url, {
    ...rest,
    ...(json !== undefined
      ? {
          method: rest.method ?? 'POST',
          body: JSON.stringify(json),
          headers: { 'content-type': 'application/json', ...rest.headers },
        }
      : {}),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: body };
}
