import { FileTooLargeError } from "../errors.js";

/** What `parseUpload` reads: a Node `Readable` or any async iterable of byte chunks. */
export type UploadInput = AsyncIterable<Uint8Array | string>;

/** The file's bytes with its first chunk held back for sniffing, counted against `maxBytes`. */
export interface ByteSource {
  /** The first bytes (at least 4 unless the file is shorter). */
  readonly head: Uint8Array;
  /** Every chunk, the head included, in order; ends early (without throwing) past `maxBytes`. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** The `FileTooLargeError` once the limit was passed, else `null`; readers check it per row. */
  failure(): FileTooLargeError | null;
  /** Settles with the `FileTooLargeError` when the limit is passed (never, for a file within it). */
  readonly failed: Promise<FileTooLargeError>;
}

const toBytes = (chunk: Uint8Array | string) => (typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);

/** Opens `input`, reads enough to sniff the file type, and counts bytes as they stream. */
export async function openByteSource(input: UploadInput, maxBytes = Number.POSITIVE_INFINITY): Promise<ByteSource> {
  const iterator = input[Symbol.asyncIterator]();
  const held: Uint8Array[] = [];
  let heldLength = 0;
  let total = 0;
  let failure: FileTooLargeError | null = null;
  let signal: (error: FileTooLargeError) => void = () => undefined;
  const failed = new Promise<FileTooLargeError>((resolve) => (signal = resolve));
  // Past the limit the stream simply ends: an error thrown through the parsers' streams would
  // escape them as an uncaught exception, so the readers ask `failure()` instead.
  const over = (chunk: Uint8Array) => {
    total += chunk.byteLength;
    if (total > maxBytes && failure === null) {
      failure = new FileTooLargeError(maxBytes);
      signal(failure);
    }
    return failure !== null;
  };
  let done = false;
  while (heldLength < 4) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = toBytes(next.value);
    if (over(chunk)) throw failure;
    held.push(chunk);
    heldLength += chunk.byteLength;
  }
  const head = new Uint8Array(heldLength);
  let offset = 0;
  for (const chunk of held) {
    head.set(chunk, offset);
    offset += chunk.byteLength;
  }
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (head.byteLength > 0) yield head;
    if (done) return;
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        const chunk = toBytes(next.value);
        if (over(chunk)) return;
        yield chunk;
      }
    } finally {
      await iterator.return?.();
    }
  }
  return { head, chunks: chunks(), failure: () => failure, failed };
}

/** `PK\x03\x04`: a zip archive, which an XLSX file is. */
export function isZip(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** Whether the first bytes look like text (no NUL, not a known binary signature): CSV candidates. */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.byteLength === 0) return false;
  const sample = head.subarray(0, 1024);
  if (sample[0] === 0x25 && sample[1] === 0x50 && sample[2] === 0x44 && sample[3] === 0x46) return false; // %PDF
  return !sample.includes(0);
}
