/**
 * Splits a streamed body into lines as its chunks arrive, holding at most `maxLineBytes` of an
 * unfinished line however long the stream is. Decoding is UTF-8 with a streaming TextDecoder, so
 * a character split between two chunks comes out whole; malformed bytes become U+FFFD.
 */

const NEWLINE = 0x0a;
const CR = 13;

/** The lines a push finished; on failure, those finished before the line that was too long. */
export type SplitResult =
  | { ok: true; lines: string[] }
  | { ok: false; reason: string; lines: string[] };

export class LineSplitter {
  #decoder = new TextDecoder();
  // the unfinished line as decoded pieces, joined once when its newline comes, so a line that
  // arrives a byte at a time costs O(length) rather than O(length²)
  #partial: string[] = [];
  #partialBytes = 0;
  #nextLine = 1;
  #failure: { ok: false; reason: string } | null = null;

  constructor(readonly maxLineBytes: number) {}

  /**
   * Feeds bytes; returns the complete lines they finish (without "\n" or a trailing "\r"), or a
   * failure when a line grows past maxLineBytes without a newline (with the lines finished
   * before it). After a failure every push fails the same way, with no lines, and
   * nextLineNumber names the line that was too long.
   */
  push(chunk: Uint8Array): SplitResult {
    if (this.#failure) return { ...this.#failure, lines: [] };
    // 0x0a is never part of a multi-byte UTF-8 sequence, and the decoder turns it into "\n"
    // even next to malformed bytes, so the k-th newline byte is the k-th "\n" of the text:
    // bytes measure each line, the text gives it
    const text = this.#decoder.decode(chunk, { stream: true });
    const lines: string[] = [];
    let bytePos = 0;
    let charPos = 0;
    for (;;) {
      const nlByte = chunk.indexOf(NEWLINE, bytePos);
      if (nlByte === -1) break;
      if (this.#partialBytes + nlByte - bytePos > this.maxLineBytes) {
        return this.#fail(lines);
      }
      const nlChar = text.indexOf("\n", charPos);
      let line = text.slice(charPos, nlChar);
      if (this.#partial.length > 0) {
        this.#partial.push(line);
        line = this.#partial.join("");
        this.#partial = [];
        this.#partialBytes = 0;
      }
      lines.push(stripCr(line));
      this.#nextLine++;
      bytePos = nlByte + 1;
      charPos = nlChar + 1;
    }
    this.#partialBytes += chunk.length - bytePos;
    if (this.#partialBytes > this.maxLineBytes) return this.#fail(lines);
    // bytes the decoder holds back (half a character) are counted above but come out later
    if (charPos < text.length) this.#partial.push(text.slice(charPos));
    return { ok: true, lines };
  }

  /** The last line when the body ended without a newline (null if none, or after a failure). */
  finish(): string | null {
    const tail = this.#decoder.decode();
    if (this.#failure || this.#partialBytes === 0) return null;
    this.#partial.push(tail);
    const line = stripCr(this.#partial.join(""));
    this.#partial = [];
    this.#partialBytes = 0;
    this.#nextLine++;
    return line;
  }

  /**
   * 1-based number of the next line to be returned, so callers can name lines in errors: the
   * lines of the last push are numbered nextLineNumber - lines.length onwards.
   */
  get nextLineNumber(): number {
    return this.#nextLine;
  }

  #fail(lines: string[]): SplitResult {
    this.#partial = [];
    this.#failure = {
      ok: false,
      reason: `is longer than ${this.maxLineBytes} bytes without a newline`,
    };
    return { ...this.#failure, lines };
  }
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === CR ? line.slice(0, -1) : line;
}
